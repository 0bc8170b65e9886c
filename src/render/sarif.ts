import type { Scorecard } from "../engine/model.js";

/** SARIF 2.1.0: rules that fail or are partial, so code-scanning tools can ingest them. */
export function renderSarif(card: Scorecard): string {
  const rules = card.rules.map((r) => ({
    id: r.id,
    name: r.id.replace(/[.-](\w)/g, (_, c: string) => c.toUpperCase()),
    shortDescription: { text: r.title },
    fullDescription: { text: r.remediation },
    helpUri: r.docs,
    help: { text: r.remediation },
    properties: { phase: r.phase, weight: r.weight },
  }));
  const results = card.rules
    .filter((r) => r.status === "fail" || r.status === "partial")
    .map((r) => ({
      ruleId: r.id,
      ruleIndex: rules.findIndex((x) => x.id === r.id),
      level: r.status === "fail" ? "error" : "warning",
      message: { text: `${r.message} Fix: ${r.remediation}` },
      ...(r.evidence.length
        ? {
            locations: r.evidence.slice(0, 5).map((e) => ({
              physicalLocation: {
                artifactLocation: {
                  uri: encodeURI(card.target.root ? `${card.target.root}/${e.path}` : e.path),
                },
                ...(e.line ? { region: { startLine: e.line } } : {}),
              },
            })),
          }
        : {}),
    }));
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: card.tool.name,
            version: card.tool.version,
            semanticVersion: card.tool.version,
            rules,
          },
        },
        results,
        properties: { score: card.score, grade: card.grade, rulesetVersion: card.rulesetVersion },
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}
