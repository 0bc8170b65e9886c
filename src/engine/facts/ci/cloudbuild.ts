import { baseName } from "../../paths.js";
import { asList, asMap, lineOf, type YamlFile } from "../yaml.js";
import type { IndirectionContext } from "./expand.js";
import type { CiPipeline, CiStep } from "./model.js";
import { buildStep, scriptStart } from "./steps.js";

export function looksLikeCloudBuild(file: YamlFile): boolean {
  const steps = asList(asMap(file.docs[0])?.steps);
  if (!steps.length || !steps.every((s) => typeof asMap(s)?.name === "string")) return false;
  return (
    /^cloudbuild.*\.ya?ml$/.test(baseName(file.path)) ||
    steps.some((s) => /gcr\.io\/(cloud-builders|google\.com\/cloudsdktool)\//.test(String(asMap(s)?.name)))
  );
}

/** A Cloud Build config: each step is a builder image with args. Triggers are decided repository-wide. */
export function cloudBuildPipeline(file: YamlFile, ctx: IndirectionContext): CiPipeline {
  const doc = asMap(file.docs[0]) ?? {};
  const steps: CiStep[] = asList(doc.steps).map((item) => {
    const s = asMap(item) ?? {};
    const image = String(s.name);
    const args = asList(s.args).map(String);
    const entry = typeof s.entrypoint === "string" ? s.entrypoint : undefined;
    let text: string;
    if (typeof s.script === "string") text = s.script;
    else if (entry && /^(ba)?sh$/.test(entry) && args[0] === "-c") text = args.slice(1).join("\n");
    else text = [entry ?? baseName(image.replace(/[:@].*$/, "")), ...args].join(" ");
    const keyLine = typeof s.script === "string" ? lineOf(s, "script") : lineOf(s, "args");
    return buildStep(
      file.path,
      {
        line: lineOf(s) ?? 1,
        uses: image,
        script: {
          text,
          line: typeof s.script === "string" ? scriptStart(file, keyLine) : (keyLine ?? lineOf(s) ?? 1),
        },
      },
      ctx,
    );
  });
  return {
    provider: "cloudbuild",
    path: file.path,
    triggers: new Set(["manual"]),
    steps,
    images: asList(doc.images).map(String),
  };
}
