/**
 * The checks GitHub's code scanning makes of an uploaded SARIF file beyond the JSON Schema, as its
 * documentation ("SARIF support for code scanning") states them: the limits per upload, and the properties
 * it requires although the schema leaves them optional. `upload-sarif` refuses a result without a location.
 */

interface Sarif {
  version?: string;
  runs?: Run[];
}
interface Run {
  tool?: {
    driver?: { name?: string; rules?: { id?: string; help?: { text?: string; markdown?: string } }[] };
  };
  results?: Result[];
}
interface Result {
  ruleId?: string;
  message?: { text?: string };
  locations?: {
    physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } };
  }[];
}

const LIMITS = { runs: 20, results: 25_000, rules: 25_000, locations: 1_000 };

export function githubUploadProblems(sarif: Sarif): string[] {
  const problems: string[] = [];
  if (sarif.version !== "2.1.0") problems.push(`version is ${sarif.version}, not 2.1.0`);
  const runs = sarif.runs ?? [];
  if (!runs.length) problems.push("no run");
  if (runs.length > LIMITS.runs) problems.push(`${runs.length} runs, over ${LIMITS.runs}`);
  runs.forEach((run, r) => {
    const driver = run.tool?.driver;
    if (!driver?.name) problems.push(`run ${r}: tool.driver.name is missing`);
    const rules = driver?.rules ?? [];
    if (rules.length > LIMITS.rules) problems.push(`run ${r}: ${rules.length} rules, over ${LIMITS.rules}`);
    const ids = new Set(rules.map((x) => x.id));
    if (ids.size !== rules.length) problems.push(`run ${r}: rule ids are not unique`);
    for (const rule of rules)
      if (!rule.help?.markdown && !rule.help?.text) problems.push(`rule ${rule.id}: no help`);
    const results = run.results ?? [];
    if (results.length > LIMITS.results)
      problems.push(`run ${r}: ${results.length} results, over ${LIMITS.results}`);
    results.forEach((result, i) => {
      const where = `run ${r} result ${i} (${result.ruleId})`;
      if (!result.ruleId) problems.push(`${where}: no ruleId`);
      else if (!ids.has(result.ruleId)) problems.push(`${where}: ruleId names no rule of the driver`);
      if (!result.message?.text) problems.push(`${where}: no message.text`);
      const locations = result.locations ?? [];
      if (!locations.length) problems.push(`${where}: no location`);
      if (locations.length > LIMITS.locations) problems.push(`${where}: over ${LIMITS.locations} locations`);
      for (const l of locations) {
        const uri = l.physicalLocation?.artifactLocation?.uri;
        if (!uri) problems.push(`${where}: a location without physicalLocation.artifactLocation.uri`);
        else if (/^[a-z][a-z0-9+.-]*:|^\//i.test(uri))
          problems.push(`${where}: uri ${uri} is not relative to the repository`);
        const line = l.physicalLocation?.region?.startLine;
        if (line !== undefined && !(Number.isInteger(line) && line >= 1))
          problems.push(`${where}: startLine ${line}`);
      }
    });
  });
  return problems;
}
