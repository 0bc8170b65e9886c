import type { Finding, Scorecard } from "../engine/model.js";
import { plainText } from "./inline.js";

/**
 * GitHub's code scanning refuses a result without a location, so a rule with no evidence points at the
 * repository's root README (the file a reviewer reads first) or, with none, at the placeholder OpenSSF
 * Scorecard uses for repository-wide findings.
 */
const NO_FILE = "no file associated with this alert";

function helpMarkdown(f: Finding): string {
  return [`**${f.title}.** ${f.why}`, "", `**Fix:** ${f.remediation}`, "", `[Documentation](${f.docs})`].join(
    "\n",
  );
}

/** SARIF 2.1.0: rules that fail or are partial, each with at least one location, for code scanning. */
export function renderSarif(card: Scorecard): string {
  const prefix = card.target.root ? `${card.target.root}/` : "";
  const uri = (path: string) => encodeURI(prefix + path);
  const readme = card.rules.find((r) => r.id === "foundations.readme")?.evidence[0]?.path;
  const fallback = readme ? uri(readme) : encodeURI(NO_FILE);
  const rules = card.rules.map((r) => ({
    id: r.id,
    name: r.id.replace(/[.-](\w)/g, (_, c: string) => c.toUpperCase()),
    shortDescription: { text: r.title },
    fullDescription: { text: plainText(r.why) },
    helpUri: r.docs,
    help: { text: plainText(r.remediation), markdown: helpMarkdown(r) },
    properties: { phase: r.phase, weight: r.weight },
  }));
  const results = card.rules
    .filter((r) => r.status === "fail" || r.status === "partial")
    .map((r) => {
      const evidence = r.evidence.filter((e) => e.path).slice(0, 5);
      const locations = evidence.length
        ? evidence.map((e) => ({
            physicalLocation: {
              artifactLocation: { uri: uri(e.path) },
              ...(e.line ? { region: { startLine: e.line } } : {}),
            },
          }))
        : [{ physicalLocation: { artifactLocation: { uri: fallback }, region: { startLine: 1 } } }];
      return {
        ruleId: r.id,
        ruleIndex: rules.findIndex((x) => x.id === r.id),
        level: r.status === "fail" ? "error" : "warning",
        message: { text: plainText(`${r.message} Fix: ${r.remediation}`) },
        locations,
        // What GitHub's records said of the workflow behind it: a failing run is why a CI pass is partial;
        // a delivery's deployment and packages say what the failing pipeline still delivered.
        ...(r.verification || r.deployment || r.packages
          ? {
              properties: {
                ...(r.verification ? { verification: r.verification } : {}),
                ...(r.deployment ? { deployment: r.deployment } : {}),
                ...(r.packages ? { packages: r.packages } : {}),
              },
            }
          : {}),
      };
    });
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
