/** The engine's vocabulary: rules, predicates, findings and the scorecard. */

export type Status = "pass" | "partial" | "fail" | "exempt" | "inconclusive";
export type Trigger = "push" | "pull_request" | "schedule" | "manual" | "data" | "other";

export interface Evidence {
  path: string;
  line?: number;
  snippet?: string;
  /** For CI evidence: the GitHub Actions workflow that runs it, whose runs on GitHub can verify it. */
  workflow?: WorkflowRef;
  /** What GitHub's records say of that workflow (only where the audit could read them). */
  verification?: Verification;
}

export interface WorkflowRef {
  /** The workflow file, `.github/workflows/…`. */
  path: string;
  /** It runs on a schedule, so it is judged on its scheduled runs. */
  scheduled: boolean;
}

export type VerificationState = "verified" | "failing" | "never-run" | "not-checked";

export interface Verification {
  state: VerificationState;
  /** The workflow (or `deployments`) the records are of. */
  of: string;
  /** The run (or deployment status) that decided it. */
  url?: string;
  /** When that run finished. */
  at?: string;
  /** How many runs in a row failed, counting back from the latest. */
  failedRuns?: number;
  /** Why the records could not be read, or what is missing. */
  reason?: string;
}

export interface PythonQuery {
  call?: string[];
  decorator?: string[];
  base?: string[];
  import?: string[];
  /** Regular expressions over source with comments removed. */
  text?: string[];
  /** `code` (default): `.py` files; `notebook`: notebooks only; `any`: both. */
  in?: "code" | "notebook" | "any";
  /** Only modules run without a person. */
  automated?: boolean;
  /** Only modules such runners run: a CI step, a scheduled CI step, a container, a DVC stage, an orchestrator. */
  ranBy?: ("ci" | "scheduled-ci" | "container" | "dvc" | "orchestrator" | "serving")[];
  /** Only modules that define orchestrated work (a DAG, flow, asset, …). */
  orchestrated?: boolean;
  /** Only the serving modules of prediction services, or modules that predict. */
  module?: "serving" | "predicting";
  /** Lines where the module writes a value it got from a prediction (data flow, not names). */
  savesPredictions?: boolean;
  /** Must also match in the same module or a local module it imports (one pipeline, not two). */
  alsoInModule?: PythonQuery;
}

export interface CiQuery {
  command?: string[];
  /** Commands that match `command` but do not do its work: a dry run, a syntax check, a local emulator. */
  unless?: string[];
  uses?: string[];
  /** Step inputs that must match (regular expression on the value's text). */
  with?: Record<string, string>;
  masked?: boolean;
  trigger?: Trigger[];
  /** Search local pre-commit hooks instead of CI. */
  hooks?: boolean;
}

export interface YamlQuery {
  glob?: string[];
  /** Kubernetes-style `kind` values. */
  kind?: string[];
  apiVersion?: string;
  /** A dotted path into the document; `*` matches any key or item. */
  path?: string;
  /** A regular expression the value at `path` must match (as text); without it, any non-empty value. */
  value?: string;
  /**
   * Keys of the map that holds `path`'s last key, each with a regular expression its value must match: ties
   * two facts to one entry, such as a Prefect deployment's schedule to that same deployment's entrypoint.
   */
  beside?: Record<string, string>;
}

export type Predicate =
  | { use: string }
  | { all: Predicate[] }
  | { any: Predicate[] }
  | { not: Predicate }
  | { atLeast: { count: number; of: Predicate[] } }
  | { rule: { id: string; status: ("pass" | "partial")[] } }
  | { files: { glob: string[]; exclude?: string[] } }
  | { text: { glob: string[]; pattern: string[]; exclude?: string[] } }
  | { python: PythonQuery }
  | { ci: CiQuery }
  | { ciPipeline: { trigger?: Trigger[]; work?: boolean } }
  | { dockerfile: { start?: string[]; startsServing?: boolean; entry?: boolean } }
  | { compose: { minServices: number; startedByCi?: boolean } }
  | { yaml: YamlQuery }
  | { terraform: { provider?: string[]; resource?: string[] } }
  | { readme: { minWords?: number; heading?: boolean; runInstructions?: boolean; architecture?: boolean } }
  | { tests: { functions: boolean } }
  | { dependencies: { pinnedShare?: number; lockfile?: boolean } }
  | { secrets: Record<string, never> }
  | { serving: { kind: ("post" | "get" | "handler" | "managed" | "ui")[]; predicts?: boolean } };

export interface RuleExample {
  name: string;
  status: Status;
  files: Record<string, string>;
}

export interface Rule {
  id: string;
  phase: string;
  title: string;
  weight: number;
  why: string;
  remediation: string;
  docs: string;
  /** Packages whose declaration without use the scorecard points out. */
  packages?: string[];
  pass: Predicate;
  partial?: Predicate;
  /**
   * What to say when the rule ends partial or fail, where the generic sentence is not enough. `{snippet}`
   * stands for the first evidence's snippet (such as "1 of 7 requirements pinned").
   */
  messages?: {
    pass?: string;
    partial?: string;
    fail?: string;
    /** A named definition → what is missing when it does not hold, so a message names the half that is absent. */
    missing?: Record<string, string>;
    /** The next step from partial, when the remediation's first sentence is not it; `{snippet}` as above. */
    next?: string;
  };
  examples: RuleExample[];
}

export interface Phase {
  id: string;
  name: string;
  rules: Rule[];
}

export interface ChecklistItem {
  id: string;
  title: string;
  /** The lowest status among these (rule ids, or inline predicates). */
  lowest?: ChecklistSource[];
  /** The best status among these. */
  best?: ChecklistSource[];
}

export type ChecklistSource = { rule: string } | { pass: Predicate; partial?: Predicate };

export interface Catalogue {
  version: string;
  /** Named predicates that rules share through `{ use: name }`. */
  definitions: Record<string, Predicate>;
  phases: Phase[];
  checklist: ChecklistItem[];
}

export interface Finding {
  id: string;
  phase: string;
  title: string;
  weight: number;
  /** Why the rule matters, in one sentence. */
  why: string;
  status: Status;
  credit: number | null;
  message: string;
  /** What the rule looked for and did not find, where the rule names its parts. */
  missing?: string[];
  remediation: string;
  docs: string;
  evidence: Evidence[];
  /** The best verification of the finding's CI evidence, where GitHub's records were read. */
  verification?: Verification;
  /** The repository's latest deployment, for a delivery or cloud deployment that passes. */
  deployment?: DeploymentRecord;
  /** The GitHub Container Registry packages CI publishes to, for a delivery that passes. */
  packages?: PackageRecord[];
}

export interface DeploymentRecord {
  environment: string;
  state: string;
  at: string;
  url?: string;
}

/** Whether GitHub has a container package of the name CI pushes to: `ghcr.io/OWNER/NAME`. */
export interface PackageRecord {
  image: string;
  state: "exists" | "missing" | "not-checked";
  /** The package's page, where it exists. */
  url?: string;
  /** Why it could not be checked. */
  reason?: string;
}

export interface Scorecard {
  schemaVersion: 1;
  tool: { name: string; version: string };
  rulesetVersion: string;
  target: { name: string; path?: string; commit?: string; url?: string; root?: string };
  score: number;
  grade: "A" | "B" | "C" | "D" | "E";
  level: { value: 0 | 1 | 2; name: string; note: string };
  checklist: ChecklistResult[];
  /** The changes worth the most points, best first. */
  nextSteps: NextStep[];
  phases: { id: string; name: string; score: number | null }[];
  rules: Finding[];
  notes: string[];
  /** Whether GitHub's records were read: once per audit, not once per rule. */
  verification?: { checked: boolean; note: string; at?: string };
}

export interface ChecklistResult {
  id: string;
  title: string;
  status: Status;
  /** The rules that decide the item, and how: the lowest of their statuses, or the best. */
  rules: string[];
  combine: "lowest" | "best";
}

/** One change worth points: raise `rule` to pass. */
export interface NextStep {
  rule: string;
  title: string;
  /** How much the readiness score would rise. */
  points: number;
  /** What to do, in one sentence (Markdown code spans allowed). */
  action: string;
  /** Where to make the change, when the evidence knows it. */
  path?: string;
  line?: number;
  /** The portfolio checklist item this change completes, if any. */
  completes?: string;
}
