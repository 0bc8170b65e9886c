import { PathSearch } from "../path-search.js";
import { MANY_TEXTS } from "../word-index.js";
import { baseName, dirName, extensionOf, isExcludedPath, matchAny } from "../paths.js";
import { buildContexts, fileInImage, moduleInImage } from "./build-context.js";
import { automatedModules, ModuleIndex, type Automation } from "./automation.js";
import { extractCi, isJenkinsfile, preCommitHooks, type CiPipeline } from "./ci/index.js";
import type { IndirectionContext } from "./ci/expand.js";
import { parseMakefile } from "./ci/makefile.js";
import {
  CONDA_GLOBS,
  extractDependencies,
  MANIFEST_NAMES,
  REQUIREMENTS_GLOBS,
  type DependencyFacts,
} from "./dependencies.js";
import {
  composeOf,
  isComposePath,
  isDockerfilePath,
  parseDockerfile,
  type ComposeFile,
  type Dockerfile,
} from "./docker.js";
import { gcloudFacts } from "./gcloud.js";
import { parseNotebook } from "./notebook.js";
import { ImportedNames } from "./imported.js";
import { ModuleTexts } from "./module-texts.js";
import { LazyPyModule, type PyModule } from "./python.js";
import { parseReadme, type ReadmeFacts } from "./readme.js";
import {
  findSecrets,
  MARKER_PARTS,
  SECRET_WORD_SPELLINGS,
  type SecretFinding,
  type SecretHints,
} from "./secrets.js";
import { servingModules, type ServingModule } from "./serving.js";
import { parseTerraform, type TerraformFile } from "./terraform.js";
import { YamlStore } from "./yaml.js";

/** Everything the rules may ask, each file read once and parsed once. */
export interface Facts {
  /** Every path of the audited tree, excluded folders removed. */
  paths: string[];
  /** Glob queries over the same paths, answered once each. */
  pathSearch: PathSearch;
  /** The texts some reader may need; plain text that only the secret scan reads is in `released`. */
  texts: Map<string, string>;
  /** Plain text read, scanned for secrets and let go: no reader but the secret scan reaches it. */
  released: ReadonlySet<string>;
  /** Files a rule may have needed but that could not be read, with the reason. */
  unreadable: Map<string, string>;
  /** Unreadable files that the secret scan did read. */
  scannedForSecrets: ReadonlySet<string>;
  python: PyModule[];
  yaml: YamlStore;
  dependencies: DependencyFacts;
  ci: CiPipeline[];
  /** Local pre-commit hooks, as pipelines of commands (not CI: they run on a developer's commit). */
  preCommit: CiPipeline[];
  dockerfiles: Dockerfile[];
  compose: ComposeFile[];
  terraform: TerraformFile[];
  readme?: ReadmeFacts;
  secrets: SecretFinding[];
  serving: ServingModule[];
  /**
   * Python files run without a person (CI, Dockerfile, DVC stage, orchestrator, serving app) and what they
   * import, each with what runs it.
   */
  automated: Map<string, Automation>;
  modules: ModuleIndex;
  /** The repository module a container's start command names, resolved through its image (see build-context). */
  moduleInImage(d: Dockerfile, target: string): string | undefined;
  /** Any repository file a container's command names (a start script), resolved through its image. */
  fileInImage(d: Dockerfile, target: string): string | undefined;
  /** Which modules' texts mention a word, found without parsing them. */
  moduleTexts: ModuleTexts;
  /** Top-level packages imported by any code or notebook, for "declared but never used". */
  imported: ImportedNames;
}

/** The kinds of file a rule can depend on; an unreadable file of a needed kind makes a verdict inconclusive. */
export type FileKind =
  "python" | "notebook" | "yaml" | "manifest" | "docker" | "shell" | "ci" | "terraform" | "readme" | "text";

const TEXT_EXTENSIONS = new Set([
  "md",
  "txt",
  "cfg",
  "ini",
  "conf",
  "properties",
  "env",
  "json",
  "tfvars",
  "hcl",
  "toml",
  "r",
  "js",
  "ts",
  "groovy",
  "ps1",
  "bicep",
  "sql",
  "xml",
  "rst",
  "gitattributes",
  "pem",
]);

const kindsCache = new Map<string, FileKind[]>();

/** The kinds of a path, memoised: every stage of an audit asks, and large trees ask often. */
export function kindsOf(path: string): FileKind[] {
  let kinds = kindsCache.get(path);
  if (!kinds) {
    kinds = computeKinds(path);
    if (kindsCache.size > 500_000) kindsCache.clear();
    kindsCache.set(path, kinds);
  }
  return kinds;
}

function computeKinds(path: string): FileKind[] {
  const base = baseName(path);
  const ext = extensionOf(path);
  const kinds: FileKind[] = [];
  if (ext === "py") kinds.push("python");
  if (ext === "ipynb") kinds.push("notebook");
  if (ext === "yml" || ext === "yaml" || base === "MLproject") kinds.push("yaml");
  // The globs end in these suffixes (a name may be the suffix alone, `requirements/.txt`): most paths need no
  // glob tried at all.
  const requirements = /\.(txt|in)$/.test(base) && matchAny(path, REQUIREMENTS_GLOBS);
  const conda = /\.ya?ml$/.test(base) && matchAny(path, CONDA_GLOBS);
  if (requirements || conda || MANIFEST_NAMES.includes(base)) kinds.push("manifest");
  if (isDockerfilePath(path) || isComposePath(path)) kinds.push("docker");
  if (ext === "sh" || ext === "bash" || /^(GNU)?[Mm]akefile$/.test(base) || ext === "mk") kinds.push("shell");
  if (isJenkinsfile(path) || (ext !== "" && path.startsWith(".github/workflows/"))) kinds.push("ci");
  if (ext === "tf") kinds.push("terraform");
  if (!path.includes("/") && /^readme(\.|$)/i.test(base)) kinds.push("readme");
  // `.python-version` is read for the Python version a suggested fix should use.
  if (
    TEXT_EXTENSIONS.has(ext) ||
    /^\.env(\.|$)/.test(base) ||
    base === ".gitattributes" ||
    base === ".python-version" ||
    kinds.length
  )
    kinds.push("text");
  return kinds;
}

/** Whether the engine wants to read a path's contents at all. */
export function wantsContent(path: string): boolean {
  return !isExcludedPath(path) && kindsOf(path).length > 0;
}

export interface ReadFiles {
  paths: string[];
  texts: Map<string, string>;
  unreadable: Map<string, string>;
  /**
   * Plain text over the read cap but within the secret scan's (10 MB): scanned as it was read and released,
   * so a tree of large JSON holds its findings, not its text. These paths are in `unreadable` too, for every
   * rule but the secret scan.
   */
  scannedForSecrets?: { paths: string[]; findings: SecretFinding[] };
  /** Plain text within the caps that only the secret scan reads: scanned as it was read, not in `texts`. */
  released?: { paths: ReadonlySet<string>; findings: SecretFinding[] };
}

/**
 * Facts built when a rule first asks for them, each once. The whole catalogue asks for nearly every one, but
 * a configuration that disables rules, or a rule set of a few file checks, does not pay for parsers it never
 * reaches. Python modules are listed at once (and parsed lazily, module by module); notebooks are parsed at
 * once, since the module list holds them.
 */
class AuditFacts implements Facts {
  readonly paths: string[];
  readonly texts: Map<string, string>;
  readonly released: ReadonlySet<string>;
  readonly unreadable: Map<string, string>;
  readonly scannedForSecrets: ReadonlySet<string>;
  readonly #secretsFound: SecretFinding[];
  readonly python: PyModule[] = [];
  readonly yaml: YamlStore;
  readonly moduleTexts: ModuleTexts;
  readonly imported: ImportedNames;
  /** The paths each lazy fact parses, in path order. */
  readonly #manifests: string[] = [];
  readonly #dockerfiles: string[] = [];
  readonly #makefiles: string[] = [];
  readonly #scripts: string[] = [];
  readonly #jenkinsfiles: string[] = [];
  readonly #terraform: string[] = [];
  readonly #textFiles: string[] = [];
  readonly #readmePath?: string;

  constructor({ paths, texts, unreadable, scannedForSecrets, released }: ReadFiles) {
    this.paths = paths;
    this.texts = texts;
    this.released = released?.paths ?? new Set();
    this.unreadable = unreadable;
    this.scannedForSecrets = new Set(scannedForSecrets?.paths);
    this.#secretsFound = [...(scannedForSecrets?.findings ?? []), ...(released?.findings ?? [])];
    const yamlTexts = new Map<string, string>();
    let readmePath: string | undefined;
    for (const [path, text] of texts) {
      const kinds = kindsOf(path);
      const ext = extensionOf(path);
      // Parsed when a rule first asks: most modules of a large tree are never needed.
      if (kinds.includes("python")) this.python.push(new LazyPyModule(path, text));
      if (kinds.includes("notebook")) {
        const nb = parseNotebook(path, text);
        if (nb) this.python.push(nb);
      }
      if (kinds.includes("yaml")) yamlTexts.set(path, text);
      if (kinds.includes("manifest")) this.#manifests.push(path);
      if (isDockerfilePath(path)) this.#dockerfiles.push(path);
      if (/^(GNU)?[Mm]akefile$/.test(baseName(path)) || ext === "mk") this.#makefiles.push(path);
      if (ext === "sh" || ext === "bash") this.#scripts.push(path);
      if (isJenkinsfile(path)) this.#jenkinsfiles.push(path);
      if (ext === "tf") this.#terraform.push(path);
      if (kinds.includes("readme") && (!readmePath || /\.md$/i.test(path))) readmePath = path;
      if (kinds.includes("text")) this.#textFiles.push(path);
    }
    this.#readmePath = readmePath;
    this.yaml = new YamlStore(yamlTexts);
    this.moduleTexts = new ModuleTexts(this.python);
    this.imported = new ImportedNames(this.moduleTexts);
  }

  #text(path: string): string {
    return this.texts.get(path)!;
  }

  #pathSearch?: PathSearch;
  get pathSearch(): PathSearch {
    return (this.#pathSearch ??= new PathSearch(this.paths));
  }

  #dependencies?: DependencyFacts;
  get dependencies(): DependencyFacts {
    return (this.#dependencies ??= extractDependencies(
      this.pathSearch,
      this.texts,
      this.yaml,
      this.#manifests,
    ));
  }

  #dockerfileFacts?: Dockerfile[];
  get dockerfiles(): Dockerfile[] {
    return (this.#dockerfileFacts ??= this.#dockerfiles.map((p) => parseDockerfile(p, this.#text(p))));
  }

  #compose?: ComposeFile[];
  get compose(): ComposeFile[] {
    return (this.#compose ??= [...this.yaml.where((path) => isComposePath(path))]
      .map(composeOf)
      .filter((c): c is ComposeFile => !!c));
  }

  #terraformFacts?: TerraformFile[];
  get terraform(): TerraformFile[] {
    return (this.#terraformFacts ??= this.#terraform.map((p) => parseTerraform(p, this.#text(p))));
  }

  #readme?: { facts?: ReadmeFacts };
  get readme(): ReadmeFacts | undefined {
    const path = this.#readmePath;
    return (this.#readme ??= { facts: path === undefined ? undefined : parseReadme(path, this.#text(path)) })
      .facts;
  }

  #secrets?: SecretFinding[];
  get secrets(): SecretFinding[] {
    // Path order, as every other fact: findings of files scanned as they were read join the rest.
    if (!this.#secrets) {
      const hints = this.#secretHints();
      this.#secrets = [
        ...this.#textFiles.flatMap((p) => findSecrets(p, this.#text(p), hints.get(p))),
        ...this.#secretsFound,
      ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
    }
    return this.#secrets;
  }

  /**
   * What the modules' word index says of each Python file's text (a module's source is its file's text; a
   * notebook's is not), so the secrets scan skips the searches that cannot match in a large tree.
   */
  #secretHints(): Map<string, SecretHints> {
    const modules = this.python.filter((m) => !m.notebook);
    // On a small tree the scan reads every file: the lookups would cost more than they save.
    if (modules.length < MANY_TEXTS) return new Map();
    const texts = this.moduleTexts;
    const spellings = new Map<PyModule, string[]>();
    for (const [spelling, holders] of texts.holdingSpellings(SECRET_WORD_SPELLINGS))
      for (const m of holders) {
        const own = spellings.get(m);
        if (own) own.push(spelling);
        else spellings.set(m, [spelling]);
      }
    const markers = new Set(MARKER_PARTS.flatMap((part) => texts.mayHold(part)));
    return new Map(
      modules.map((m) => [m.path, { spellings: spellings.get(m) ?? [], markers: markers.has(m) }]),
    );
  }

  #gcloud?: ReturnType<typeof gcloudFacts>;
  get #gcloudFacts() {
    return (this.#gcloud ??= gcloudFacts(this.texts));
  }

  #indirection?: IndirectionContext;
  get #indirectionContext(): IndirectionContext {
    return (this.#indirection ??= {
      makefiles: new Map(this.#makefiles.map((p) => [p, parseMakefile(p, this.#text(p))] as const)),
      scripts: new Map(this.#scripts.map((p) => [p, this.#text(p)] as const)),
      yaml: this.yaml,
    });
  }

  #preCommit?: CiPipeline[];
  get preCommit(): CiPipeline[] {
    return (this.#preCommit ??= preCommitHooks(this.#indirectionContext));
  }

  #ci?: CiPipeline[];
  get ci(): CiPipeline[] {
    if (!this.#ci) {
      const jenkinsfiles = new Map(this.#jenkinsfiles.map((p) => [p, this.#text(p)] as const));
      const cloudBuildTrigger =
        this.terraform.some((t) => t.resources.some((r) => r.type === "google_cloudbuild_trigger")) ||
        this.#gcloudFacts.createsBuildTrigger;
      this.#ci = extractCi(jenkinsfiles, this.#indirectionContext, cloudBuildTrigger);
    }
    return this.#ci;
  }

  #modules?: ModuleIndex;
  get modules(): ModuleIndex {
    return (this.#modules ??= new ModuleIndex(this.python, this.moduleTexts));
  }

  #serving?: ServingModule[];
  get serving(): ServingModule[] {
    return (this.#serving ??= servingModules(
      this.python,
      this.moduleTexts,
      this.modules,
      this.#gcloudFacts.functionEntryPoints,
    ));
  }

  #contexts?: Map<string, string[]>;
  #contextsOf(d: Dockerfile): string[] {
    this.#contexts ??= buildContexts(this.dockerfiles, this.compose);
    return this.#contexts.get(d.path) ?? [dirName(d.path)];
  }

  moduleInImage(d: Dockerfile, target: string): string | undefined {
    return moduleInImage(this.modules, d, this.#contextsOf(d), target);
  }

  fileInImage(d: Dockerfile, target: string): string | undefined {
    return fileInImage((p) => this.texts.has(p) || this.released.has(p), d, this.#contextsOf(d), target);
  }

  #automated?: Map<string, Automation>;
  get automated(): Map<string, Automation> {
    if (!this.#automated) {
      const dvcFiles = [...this.yaml.where((path) => /(^|\/)dvc\.ya?ml$/.test(path))];
      // Code on a prediction service's request path runs without a person; a dashboard or monitoring app that
      // nothing starts runs only when someone opens it.
      const servingPaths = this.serving
        .filter((s) => s.predicts && s.endpoints.some((e) => e.kind !== "ui"))
        .map((s) => s.path);
      this.#automated = automatedModules(
        this.modules,
        this.ci,
        this.dockerfiles,
        dvcFiles,
        servingPaths,
        (d, t) => this.moduleInImage(d, t),
      );
    }
    return this.#automated;
  }
}

export function buildFacts(files: ReadFiles): Facts {
  return new AuditFacts(files);
}
