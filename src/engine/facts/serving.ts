import type { ModuleIndex } from "./automation.js";
import type { ModuleTexts } from "./module-texts.js";
import { LazyPyModule, type PyModule } from "./python.js";

/**
 * Prediction services: a module that answers requests (an HTTP route, a serverless or streaming
 * handler, a BentoML service, a managed endpoint) and loads a model or predicts, itself or through
 * a local module it imports.
 */
export interface ServiceEndpoint {
  path: string;
  line: number;
  /** What answers requests: `POST /predict`, `GET /`, `lambda_handler`, `KafkaConsumer`, … */
  what: string;
  kind: "post" | "get" | "handler" | "managed" | "ui";
  /** Whether this endpoint's own function predicts (or, when no endpoint's body shows it, its module). */
  predicts?: boolean;
}

export interface ServingModule {
  path: string;
  endpoints: ServiceEndpoint[];
  predicts: boolean;
}

const APP_CLASS =
  "(fastapi\\.(FastAPI|APIRouter)|flask\\.(Flask|Blueprint)|litestar\\.(Litestar|Router)|starlette\\.applications\\.Starlette|quart\\.Quart|sanic\\.Sanic)";
const APP_CLASSES = new RegExp(`^${APP_CLASS}$`);
const APP_CONSTRUCTORS = new RegExp(`^${APP_CLASS}\\(\\)\\.(?<verb>\\w+)$`);
const BARE_ROUTES = /^(litestar\.(post|get|put)|fastapi_utils\.\w+|robyn\.Robyn\(\)\.(post|get))$/;
const PREDICTS =
  /(^|\.)(predict\w*|load_model|inference|infer|generate|from_pretrained|InferenceSession|load_learner)$|^(joblib|pickle|cloudpickle|dill|torch|skops\.io)\.loads?$|^tensorflow\.keras\.models\.load_model$|^transformers\.pipeline$|^ollama\.(chat|generate|Client\(\)\.(chat|generate)|AsyncClient\(\)\.(chat|generate))$|^langchain\w*\.(\w*Ollama\w*|VLLM\w*|LlamaCpp|HuggingFacePipeline)\(\)\.(invoke|ainvoke|stream|astream|batch)$|^llama_cpp\.Llama(\(\)\.\w+)?$/;
/**
 * A language-model service predicts only when it runs the project's own model (a local runtime, a fine-tuned
 * or registered model); a call to a third-party chat API forwards text, whatever its method is called.
 */
const HOSTED_MODEL_API =
  /^(openai|anthropic|cohere|groq|mistralai|together|replicate|google\.generativeai|google\.genai|vertexai\.generative_models|langchain_openai|langchain_anthropic|langchain_google_genai|langchain_groq|langchain_cohere|langchain_mistralai)\./;

function isPrediction(name: string): boolean {
  return PREDICTS.test(name) && !HOSTED_MODEL_API.test(name);
}
/**
 * A chain or prompt configuration read from the project's model registry is the project's own model (the
 * catalogue's language-model service): in a module that loads from the registry (outside a GET route, which
 * only reports), running a chain the module built predicts. A run on an object of a third-party package
 * (`boto3.client("lambda").invoke`, a hosted chat model) is a call out, not the project's model.
 */
const REGISTRY_READS =
  /^mlflow\.((MlflowClient|tracking\.MlflowClient)\(\)\.(get_model_version_by_alias|get_model_version|get_latest_versions)|(\w+\.)?load_prompt)$/;
const CHAIN_RUNS = /\.(invoke|ainvoke|stream|astream|batch|abatch)$/;

/** Whether a call's receiver comes from a package the module imports that is not one of the project's own. */
function thirdParty(module: PyModule, name: string, index: ModuleIndex): boolean {
  return module.imports.some(
    (i) =>
      !i.module.startsWith(".") &&
      name.startsWith(`${i.module}.`) &&
      !index.modulesNamed(i.module.split(".")[0]).length,
  );
}

/** What counts as a prediction in this module. */
function predictionTest(module: PyModule, index: ModuleIndex): (name: string) => boolean {
  const reports = module.decorators
    .filter((d) => /\.get$/.test(d.name))
    .map((d) => functionAt(module, d.line))
    .filter((f) => !!f);
  const loads = module.calls.some(
    (c) => REGISTRY_READS.test(c.name) && !reports.some((f) => c.line > f.line && c.line <= f.endLine),
  );
  if (!loads) return isPrediction;
  return (name) =>
    isPrediction(name) ||
    (CHAIN_RUNS.test(name) && !HOSTED_MODEL_API.test(name) && !thirdParty(module, name, index));
}
const STREAM_CONSUMERS =
  /^(kafka\.KafkaConsumer|confluent_kafka\.Consumer|aiokafka\.AIOKafkaConsumer|google\.cloud\.pubsub_v1\.SubscriberClient)$|kinesis/i;
const MANAGED =
  /^(sagemaker\..*\.deploy|sagemaker\..*Model\(\)\.deploy|google\.cloud\.aiplatform\.(Endpoint(\.create)?|Model(\.upload)?\(\)\.deploy|Model\.deploy)|azure\.ai\.ml\.entities\.(ManagedOnlineEndpoint|ManagedOnlineDeployment|KubernetesOnlineEndpoint))$/;
const UI = /^(streamlit|gradio)\./;
const DJANGO_VIEWS =
  /^(rest_framework\.(views\.APIView|generics\.\w+|viewsets\.\w+)|django\.views\.(generic\.)?View)$/;
/**
 * Every endpoint above is named after a package the module's own text names (a resolved name starts with
 * one), or is a function called `…handler` whose first parameter is an event, or an Azure `score*.py`: a
 * module with none of them serves nothing, and is ruled out without being parsed. An app's class may reach a
 * module through a local factory or re-export, so the web frameworks are looked for in any case, as part of
 * any word, anywhere in the text (`app: FastAPI`). The rest start the resolved names above, so each is a
 * whole identifier of the code (`ray.serve`, `pubsub_v1`): found in the index, then confirmed in the code,
 * which a large tree's prose (`ray` in a docstring) does not reach.
 */
const SERVING_WORDS = ["fastapi", "flask", "litestar", "starlette", "sanic", "robyn", "kafka", "kinesis"];
const SERVING_IDENTIFIERS = [
  "quart",
  "Quart",
  "azure",
  "bentoml",
  "ray",
  "pubsub_v1",
  "sagemaker",
  "aiplatform",
  "streamlit",
  "gradio",
  "django",
  "rest_framework",
  "add_url_rule",
  "functions_framework",
];
const IN_CODE = new RegExp(`(?<![A-Za-z0-9_])(?:${SERVING_IDENTIFIERS.join("|")})(?![A-Za-z0-9_])`);
/**
 * A serverless handler: a function whose name ends in `handler` and whose first parameter names an event.
 * Its definition is looked for in the text first (where a comment may stand between), then in the code.
 */
const HANDLER_NAME = /\bdef\s+\w*handler\s*\(/i;
const HANDLER_DEF = /\bdef\s+\w*handler\s*\([^,:=)]*?event/i;

/** `use` of a module's code, not kept where the module can blank it again later. */
const withCode = <T>(m: PyModule, use: (code: string) => T): T =>
  m instanceof LazyPyModule ? m.withCode(use) : use(m.code);

/** The modules whose text passes the serving gate, found in the word index rather than module by module. */
export function servingCandidates(texts: ModuleTexts): Set<PyModule> {
  const events = new Set(texts.holdingAnyCase("event"));
  const inCode = new Set([
    ...SERVING_IDENTIFIERS.flatMap((word) => texts.holding(word, true)),
    ...texts.holdingAnyCase("handler").filter((m) => events.has(m) && HANDLER_NAME.test(m.source)),
  ]);
  return new Set([
    ...SERVING_WORDS.flatMap((word) => texts.holdingAnyCase(word)),
    ...[...inCode].filter((m) => withCode(m, (code) => IN_CODE.test(code) || HANDLER_DEF.test(code))),
  ]);
}

const NO_ENTRY_POINTS: ReadonlySet<string> = new Set();
const FUNCTION_SOURCE = /(^|\/)main\.py$/;

/** `candidates`: the modules that pass the serving gate by their text (`servingCandidates`). */
export function mayServe(
  module: PyModule,
  candidates: ReadonlySet<PyModule>,
  entryPoints = NO_ENTRY_POINTS,
): boolean {
  return (
    candidates.has(module) ||
    /(^|\/)score\w*\.py$/.test(module.path) ||
    (entryPoints.size > 0 && FUNCTION_SOURCE.test(module.path))
  );
}

function routeMethods(module: PyModule, rename: (name: string) => string): ServiceEndpoint[] {
  const out: ServiceEndpoint[] = [];
  for (const d of module.decorators) {
    const m = rename(d.name).match(APP_CONSTRUCTORS);
    const bare = d.name.match(BARE_ROUTES);
    const verb = (m?.groups?.verb ?? bare?.[0].split(".").pop() ?? "").toLowerCase();
    const route = d.strings[0] ?? "";
    if (["post", "put"].includes(verb))
      out.push({ path: module.path, line: d.line, what: `POST ${route}`, kind: "post" });
    else if (verb === "get") out.push({ path: module.path, line: d.line, what: `GET ${route}`, kind: "get" });
    else if (verb === "route" || verb === "api_route") {
      const methods = d.kwargs.find((k) => k.name === "methods")?.value ?? "";
      const post = /POST|PUT/i.test(methods);
      out.push({
        path: module.path,
        line: d.line,
        what: `${post ? "POST" : "GET"} ${route}`,
        kind: post ? "post" : "get",
      });
    }
  }
  // Django REST framework: `@api_view(["POST"])`, and the `post` method of an APIView or generic view class.
  for (const d of module.decorators)
    if (
      /^rest_framework\.decorators\.api_view$/.test(d.name) &&
      d.strings.some((s) => /^(POST|PUT)$/i.test(s))
    )
      out.push({ path: module.path, line: d.line, what: "POST (api_view)", kind: "post" });
  const classes = [...module.classes].sort((a, b) => a.line - b.line);
  classes.forEach((c, i) => {
    if (!c.bases.some((b) => DJANGO_VIEWS.test(b))) return;
    const end = classes[i + 1]?.line ?? Infinity;
    for (const f of module.functions)
      if (f.line > c.line && f.line < end && f.indent > 0 && /^(post|put|create)$/.test(f.name))
        out.push({ path: module.path, line: f.line, what: `POST ${c.name}.${f.name}`, kind: "post" });
  });
  for (const c of module.calls) {
    if (/^(starlette\.routing\.Route|litestar\.handlers\.\w+)$/.test(c.name)) {
      const post = /POST/i.test(c.kwargs.find((k) => k.name === "methods")?.value ?? "");
      out.push({
        path: module.path,
        line: c.line,
        what: `${post ? "POST" : "GET"} ${c.strings[0] ?? ""}`,
        kind: post ? "post" : "get",
      });
    }
    if (
      c.name.endsWith(".add_url_rule") &&
      /POST/i.test(c.kwargs.find((k) => k.name === "methods")?.value ?? "")
    ) {
      out.push({ path: module.path, line: c.line, what: `POST ${c.strings[0] ?? ""}`, kind: "post" });
    }
  }
  return out;
}

function handlers(module: PyModule, entryPoints: ReadonlySet<string>): ServiceEndpoint[] {
  const out: ServiceEndpoint[] = [];
  const fn = (name: string) => module.functions.find((f) => f.name === name);
  const lambdas = module.functions.filter(
    (f) => /handler$/i.test(f.name) && f.params.length === 2 && /event/i.test(f.params[0]),
  );
  for (const f of lambdas)
    out.push({ path: module.path, line: f.line, what: `${f.name}(event, context)`, kind: "handler" });
  // A deployed Cloud Function: the module Google runs is main.py, at the top level (not a method).
  if (entryPoints.size && FUNCTION_SOURCE.test(module.path))
    for (const f of module.functions)
      if (
        f.indent === 0 &&
        entryPoints.has(f.name) &&
        !lambdas.includes(f) &&
        (f.params.length === 2 || (f.params.length === 1 && /request|event/i.test(f.params[0])))
      )
        out.push({
          path: module.path,
          line: f.line,
          what: `${f.name}(${f.params.join(", ")})`,
          kind: "handler",
        });
  if (fn("init") && fn("run") && /(^|\/)score\w*\.py$/.test(module.path))
    out.push({ path: module.path, line: fn("run")!.line, what: "Azure ML init()/run()", kind: "handler" });
  for (const d of module.decorators) {
    if (
      /^(functions_framework\.(http|cloud_event)|azure\.functions\.FunctionApp\(\)\.(route|function_name)|bentoml\.(service|api)|bentoml\.Service\(\)\.api|ray\.serve\.deployment)$/.test(
        d.name,
      )
    ) {
      out.push({ path: module.path, line: d.line, what: `@${d.name}`, kind: "handler" });
    }
  }
  for (const c of module.calls) {
    if (STREAM_CONSUMERS.test(c.name))
      out.push({ path: module.path, line: c.line, what: c.name, kind: "handler" });
    if (/^bentoml\.Service$/.test(c.name))
      out.push({ path: module.path, line: c.line, what: "bentoml.Service", kind: "handler" });
    if (MANAGED.test(c.name)) out.push({ path: module.path, line: c.line, what: c.name, kind: "managed" });
    if (UI.test(c.name) && out.every((e) => e.kind !== "ui"))
      out.push({ path: module.path, line: c.line, what: c.name.split(".")[0], kind: "ui" });
  }
  return out;
}

function predictsIn(module: PyModule, index: ModuleIndex): boolean {
  const predicts = predictionTest(module, index);
  return module.calls.some((c) => predicts(c.name));
}

/** The function an endpoint runs: the one defined at its line, or the first defined after its decorator. */
export function functionAt(module: PyModule, line: number) {
  return module.functions.find((f) => f.line >= line);
}

function bodyPredicts(module: PyModule, line: number, index: ModuleIndex): boolean {
  const fn = functionAt(module, line);
  const predicts = predictionTest(module, index);
  return !!fn && module.calls.some((c) => c.line > fn.line && c.line <= fn.endLine && predicts(c.name));
}

/** What in a module answers requests, parsed, without the text gate in front of it. */
export function endpointsOf(
  module: PyModule,
  entryPoints = NO_ENTRY_POINTS,
  rename: (name: string, module: PyModule) => string = (name) => name,
): ServiceEndpoint[] {
  return [...routeMethods(module, (name) => rename(name, module)), ...handlers(module, entryPoints)];
}

/**
 * An app made by the project's own factory (`app = create_app()`, `app = configure_api(FastAPI(...))`) is the
 * framework's app: the factory, in this module or a local one, builds the app in its body or takes one and
 * returns it. The decorator `create_app().post` is read as `fastapi.FastAPI().post`.
 */
function appFactories(index: ModuleIndex, rename: (name: string) => string) {
  const known = new Map<string, string | undefined>();
  const built = (module: PyModule, fnName: string): string | undefined => {
    const key = `${module.path}:${fnName}`;
    if (!known.has(key)) known.set(key, builtBy(module, fnName));
    return known.get(key);
  };
  const builtBy = (module: PyModule, fnName: string): string | undefined => {
    const fn = module.functions.find((f) => f.name === fnName && f.indent === 0);
    if (!fn) return undefined;
    const inBody = module.calls.find(
      (c) => c.line >= fn.line && c.line <= fn.endLine && APP_CLASSES.test(rename(c.name)),
    );
    if (inBody) return inBody.name;
    // `def configure_api(app: FastAPI) -> FastAPI`: the annotation, resolved through the module's imports.
    const returns = module.lines[fn.line - 1]?.match(/->\s*(\w+)\s*:/)?.[1];
    const from =
      returns &&
      module.source.match(new RegExp(`^from\\s+([\\w.]+)\\s+import\\s+[^\\n]*\\b${returns}\\b`, "m"));
    const annotated = from ? `${from[1]}.${returns}` : undefined;
    return annotated && APP_CLASSES.test(rename(annotated)) ? annotated : undefined;
  };
  return (name: string, module: PyModule): string => {
    const m = name.match(/^(?<factory>[\w.]+)\(\)\.(?<verb>\w+)$/);
    if (!m?.groups || APP_CONSTRUCTORS.test(name)) return rename(name);
    const { factory, verb } = m.groups;
    const dot = factory.lastIndexOf(".");
    const owners =
      dot < 0
        ? [module]
        : index.modulesNamed(factory.slice(0, dot).replace(/^\./, "")).map((p) => index.byPath.get(p)!);
    for (const owner of owners) {
      const app = owner && built(owner, factory.slice(dot + 1));
      if (app) return `${rename(app)}().${verb}`;
    }
    return rename(name);
  };
}

/** A managed endpoint's inference code named by `entry_point=` (SageMaker, Azure ML) in a local file. */
function entryPointPredicts(module: PyModule, index: ModuleIndex): boolean {
  for (const c of module.calls)
    for (const k of c.kwargs) {
      if (k.name !== "entry_point" && k.name !== "entry_script" && k.name !== "scoring_script") continue;
      const file = k.value.match(/^["']([\w./-]+\.py)["']$/)?.[1];
      const target = file ? index.resolveFile(file, module.path.replace(/\/?[^/]*$/, "")) : undefined;
      const code = target ? index.byPath.get(target) : undefined;
      if (
        code &&
        (predictsIn(code, index) ||
          code.functions.some((f) => /^(predict_fn|model_fn|run|init)$/.test(f.name)))
      )
        return true;
    }
  return false;
}

export function servingModules(
  modules: PyModule[],
  texts: ModuleTexts,
  index: ModuleIndex,
  entryPoints: ReadonlySet<string> = NO_ENTRY_POINTS,
): ServingModule[] {
  const out: ServingModule[] = [];
  const rename = appFactories(index, (name) => index.reexported(name));
  const candidates = servingCandidates(texts);
  for (const module of modules) {
    if (module.notebook || !mayServe(module, candidates, entryPoints)) continue;
    const endpoints = endpointsOf(module, entryPoints, rename);
    if (!endpoints.length) continue;
    const imported = module.imports
      .flatMap((i) => index.resolveImport(module, i.module))
      .map((p) => index.byPath.get(p)!);
    const predicts =
      predictsIn(module, index) ||
      imported.some((m) => m && predictsIn(m, index)) ||
      (endpoints.some((e) => e.kind === "managed") && entryPointPredicts(module, index));
    // Where some endpoint's own body predicts, the others are judged by theirs: a module with a
    // data-processing handler and an inference handler serves predictions only through the latter.
    const own = endpoints.map(
      (e) => e.kind !== "managed" && e.kind !== "ui" && bodyPredicts(module, e.line, index),
    );
    const anyOwn = own.some(Boolean);
    endpoints.forEach((e, i) => (e.predicts = anyOwn ? own[i] || e.kind === "managed" : predicts));
    endpoints.sort((a, b) => Number(b.predicts) - Number(a.predicts));
    out.push({ path: module.path, endpoints, predicts });
  }
  return out;
}

const MOUNTS = /\.(include_router|register_blueprint|mount|add_api_route|include_app)$/;

/**
 * The modules an app started from `entry` serves: itself and, where it (or a module it imports) mounts
 * routers, blueprints or sub-apps, the local modules it imports, three imports deep. A router that no served
 * app mounts is not served.
 */
export function servedModules(index: ModuleIndex, entry: string): string[] {
  const seen = new Map<string, number>([[entry, 0]]);
  const queue = [entry];
  let mounts = false;
  for (let head = 0; head < queue.length; head++) {
    const module = index.byPath.get(queue[head]);
    if (!module) continue;
    if (module.calls.some((c) => MOUNTS.test(c.name))) mounts = true;
    const depth = seen.get(queue[head])!;
    if (depth >= 3) continue;
    for (const imp of module.imports)
      for (const dep of index.resolveImport(module, imp.module))
        if (!seen.has(dep)) {
          seen.set(dep, depth + 1);
          queue.push(dep);
        }
  }
  return mounts ? queue : [entry];
}
