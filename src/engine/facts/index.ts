import { PathSearch } from "../path-search.js";
import { baseName, extensionOf, isExcludedPath, matchAny } from "../paths.js";
import { automatedModules, ModuleIndex } from "./automation.js";
import { extractCi, isJenkinsfile, type CiPipeline } from "./ci/index.js";
import { parseMakefile, type Makefile } from "./ci/makefile.js";
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
import { findSecrets, type SecretFinding } from "./secrets.js";
import { servingModules, type ServingModule } from "./serving.js";
import { parseTerraform, type TerraformFile } from "./terraform.js";
import { YamlStore } from "./yaml.js";

/** Everything the rules may ask, each file read once and parsed once. */
export interface Facts {
  /** Every path of the audited tree, excluded folders removed. */
  paths: string[];
  /** Glob queries over the same paths, answered once each. */
  pathSearch: PathSearch;
  texts: Map<string, string>;
  /** Files a rule may have needed but that could not be read, with the reason. */
  unreadable: Map<string, string>;
  python: PyModule[];
  yaml: YamlStore;
  dependencies: DependencyFacts;
  ci: CiPipeline[];
  dockerfiles: Dockerfile[];
  compose: ComposeFile[];
  terraform: TerraformFile[];
  readme?: ReadmeFacts;
  secrets: SecretFinding[];
  serving: ServingModule[];
  /** Python files run without a person (CI, Dockerfile, DVC stage, orchestrator, serving app) and what they import. */
  automated: Set<string>;
  modules: ModuleIndex;
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
  if (matchAny(path, REQUIREMENTS_GLOBS) || MANIFEST_NAMES.includes(base) || matchAny(path, CONDA_GLOBS))
    kinds.push("manifest");
  if (isDockerfilePath(path) || isComposePath(path)) kinds.push("docker");
  if (ext === "sh" || ext === "bash" || /^(GNU)?[Mm]akefile$/.test(base) || ext === "mk") kinds.push("shell");
  if (isJenkinsfile(path) || (ext !== "" && path.startsWith(".github/workflows/"))) kinds.push("ci");
  if (ext === "tf") kinds.push("terraform");
  if (!path.includes("/") && /^readme(\.|$)/i.test(base)) kinds.push("readme");
  if (TEXT_EXTENSIONS.has(ext) || /^\.env(\.|$)/.test(base) || base === ".gitattributes" || kinds.length)
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
}

export function buildFacts({ paths, texts, unreadable }: ReadFiles): Facts {
  const python: PyModule[] = [];
  const yamlTexts = new Map<string, string>();
  const dockerfiles: Dockerfile[] = [];
  const makefiles = new Map<string, Makefile>();
  const scripts = new Map<string, string>();
  const jenkinsfiles = new Map<string, string>();
  const terraform: TerraformFile[] = [];
  const secrets: SecretFinding[] = [];
  const manifests: string[] = [];
  let readme: ReadmeFacts | undefined;

  for (const [path, text] of texts) {
    const kinds = kindsOf(path);
    const ext = extensionOf(path);
    // Parsed when a rule first asks: most modules of a large tree are never needed.
    if (kinds.includes("python")) python.push(new LazyPyModule(path, text));
    if (kinds.includes("notebook")) {
      const nb = parseNotebook(path, text);
      if (nb) python.push(nb);
    }
    if (kinds.includes("yaml")) yamlTexts.set(path, text);
    if (kinds.includes("manifest")) manifests.push(path);
    if (isDockerfilePath(path)) dockerfiles.push(parseDockerfile(path, text));
    if (/^(GNU)?[Mm]akefile$/.test(baseName(path)) || ext === "mk")
      makefiles.set(path, parseMakefile(path, text));
    if (ext === "sh" || ext === "bash") scripts.set(path, text);
    if (isJenkinsfile(path)) jenkinsfiles.set(path, text);
    if (ext === "tf") terraform.push(parseTerraform(path, text));
    if (kinds.includes("readme") && (!readme || /\.md$/i.test(path))) readme = parseReadme(path, text);
    if (kinds.includes("text")) secrets.push(...findSecrets(path, text));
  }

  const yaml = new YamlStore(yamlTexts);
  const ctx = { makefiles, scripts, yaml };
  const gcloud = gcloudFacts(texts);
  const cloudBuildTrigger =
    terraform.some((t) => t.resources.some((r) => r.type === "google_cloudbuild_trigger")) ||
    gcloud.createsBuildTrigger;
  const ci = extractCi(jenkinsfiles, ctx, cloudBuildTrigger);
  const index = new ModuleIndex(python);
  const serving = servingModules(python, index, gcloud.functionEntryPoints);
  const dvcFiles = [...yaml.where((path) => /(^|\/)dvc\.ya?ml$/.test(path))];
  // Code on a prediction service's request path runs without a person; a dashboard or monitoring app that
  // nothing starts runs only when someone opens it.
  const servingPaths = serving
    .filter((s) => s.predicts && s.endpoints.some((e) => e.kind !== "ui"))
    .map((s) => s.path);
  const automated = automatedModules(index, ci, dockerfiles, dvcFiles, servingPaths);
  const compose = [...yaml.where((path) => isComposePath(path))]
    .map(composeOf)
    .filter((c): c is ComposeFile => !!c);

  const pathSearch = new PathSearch(paths);
  const moduleTexts = new ModuleTexts(python);
  return {
    paths,
    pathSearch,
    texts,
    unreadable,
    python,
    yaml,
    dependencies: extractDependencies(pathSearch, texts, yaml, manifests),
    ci,
    dockerfiles,
    compose,
    terraform,
    readme,
    secrets,
    serving,
    automated,
    modules: index,
    moduleTexts,
    imported: new ImportedNames(moduleTexts),
  };
}
