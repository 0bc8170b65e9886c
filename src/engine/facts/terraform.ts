import { LineIndex, stripHashComments, stripSlashComments } from "../text.js";

export interface TerraformFile {
  path: string;
  providers: { name: string; line: number }[];
  resources: { type: string; name: string; line: number }[];
}

/** Providers (blocks and `required_providers` entries) and resources of a `.tf` file, comments dropped. */
export function parseTerraform(path: string, text: string): TerraformFile {
  const code = stripHashComments(stripSlashComments(text));
  const index = new LineIndex(code);
  const providers: TerraformFile["providers"] = [];
  for (const m of code.matchAll(/^\s*provider\s+"([\w-]+)"\s*\{/gm))
    providers.push({ name: m[1], line: index.lineOf(m.index ?? 0) });
  const required = code.match(/required_providers\s*\{([\s\S]*?)\n\s*\}/);
  if (required) {
    const offset = (required.index ?? 0) + required[0].indexOf(required[1]);
    for (const m of required[1].matchAll(/^\s*([\w-]+)\s*=\s*\{/gm))
      providers.push({ name: m[1], line: index.lineOf(offset + (m.index ?? 0)) });
  }
  const resources = [...code.matchAll(/^\s*resource\s+"([\w-]+)"\s+"([\w-]+)"/gm)].map((m) => ({
    type: m[1],
    name: m[2],
    line: index.lineOf(m.index ?? 0),
  }));
  return { path, providers, resources };
}
