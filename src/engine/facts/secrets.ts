import { baseName } from "../paths.js";

/**
 * Committed secrets, as the catalogue defines them. A finding names the file, the line and the kind,
 * never the value: the value is not even kept in memory past the match.
 */
export interface SecretFinding {
  path: string;
  line: number;
  kind: string;
  /** The line with the value masked, safe to show. */
  redacted: string;
}

const PLACEHOLDERS = new Set([
  "changeme",
  "minioadmin",
  "admin",
  "password",
  "postgres",
  "root",
  "example",
  "test",
  "secret",
  "none",
  "null",
  "true",
  "false",
]);

export function isPlaceholder(value: string): boolean {
  const v = value.trim().replace(/^["']|["']$/g, "");
  const lower = v.toLowerCase();
  return (
    v === "" ||
    PLACEHOLDERS.has(lower) ||
    /^<.*>$/.test(v) ||
    /\$\{.*\}/.test(v) ||
    /^\$\w+$/.test(v) ||
    /\$\{\{.*\}\}/.test(v) ||
    /^your[_-]/i.test(v) ||
    /^x{3,}/i.test(v) ||
    /^\*+$/.test(v) ||
    /example|placeholder|dummy|replace[_-]?me|^fake|^sample/i.test(v)
  );
}

/** `api_key`, `DB_PASSWORD`, `authToken`; not `tokenizer` or `keyword`. */
export function isSecretName(name: string): boolean {
  const parts = name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .split(/[_\-.]+/)
    .map((p) => p.toLowerCase());
  return parts.some((p) => ["key", "secret", "token", "password", "passwd", "pwd"].includes(p));
}

const PROVIDER_PATTERNS: [string, RegExp][] = [
  ["GitHub token", /\b(ghp_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,})\b/],
  ["Slack token", /\bxox[baprs]-[A-Za-z0-9-]{10,}\b/],
  ["Docker Hub token", /\bdckr_pat_[A-Za-z0-9_-]{20,}\b/],
  ["Google API key", /\bAIza[0-9A-Za-z_-]{35}\b/],
  ["private key", /-----BEGIN ([A-Z]+ )*PRIVATE KEY-----/],
];
const AWS_KEY_ID = /\b(AKIA|ASIA)[0-9A-Z]{16}\b/;
const AWS_SECRET = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/;
const ASSIGNMENT = /(?:^|[\s{,(;])["']?([A-Za-z_][\w.-]*)["']?\s*[:=]\s*(["']?)([^\s"',;(){}]+)(["']?)(\()?/g;
/** Files where a bare, unquoted value is a literal; in code, only a quoted string is. */
const BARE_VALUE_FILE = /(^|\/)\.env(\.[^/]*)?$|\.(ya?ml|ini|cfg|conf|properties|tfvars|toml|env)$/i;

function isEnvFile(path: string): boolean {
  const base = baseName(path);
  return /^\.env(\..+)?$/.test(base) && !/\.(example|sample|template|dist)$/i.test(base);
}

function redact(line: string, value: string): string {
  const masked = line.split(value).join("****");
  const t = masked.trim();
  return t.length > 100 ? `${t.slice(0, 99)}…` : t;
}

/** Every secret name holds one of these words, whatever its case. */
const SECRET_WORDS = /key|secret|token|passw|pwd/i;

export function findSecrets(path: string, text: string): SecretFinding[] {
  // Each pattern is tried on the whole text first: none spans a line, so a file it misses is done with, and
  // most files are, without splitting them into lines.
  const providers = PROVIDER_PATTERNS.filter(([, pattern]) => pattern.test(text));
  const awsKeys = AWS_KEY_ID.test(text);
  const assignments = SECRET_WORDS.test(text);
  if (!providers.length && !awsKeys && !assignments) return [];
  const out: SecretFinding[] = [];
  const lines = text.split("\n");
  const env = isEnvFile(path);
  const kaggle = baseName(path) === "kaggle.json";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.length > 4000) continue;
    for (const [kind, pattern] of providers) {
      const m = line.match(pattern);
      if (m && !isPlaceholder(m[0])) out.push({ path, line: i + 1, kind, redacted: redact(line, m[0]) });
    }
    const aws = awsKeys && line.match(AWS_KEY_ID);
    if (aws && aws[0] !== "AKIAIOSFODNN7EXAMPLE") {
      const near = lines.slice(Math.max(0, i - 5), i + 6).join("\n");
      const secret = near.match(AWS_SECRET);
      if (secret && !/EXAMPLEKEY/.test(secret[0]))
        out.push({ path, line: i + 1, kind: "AWS access key", redacted: redact(line, aws[0]) });
    }
    if (!assignments) continue;
    for (const m of line.matchAll(ASSIGNMENT)) {
      const [, name, open, value, close, call] = m;
      if (!isSecretName(name) || isPlaceholder(value) || call) continue;
      const quoted = open !== "" && open === close;
      if (!quoted && !BARE_VALUE_FILE.test(path)) continue;
      const strong = value.length >= 20 && /[A-Za-z]/.test(value) && /\d/.test(value);
      const kaggleKey = kaggle && name === "key" && value.length >= 16;
      if (strong || kaggleKey || (env && line.trimStart().startsWith(name) && value.length > 0)) {
        out.push({ path, line: i + 1, kind: `value for ${name}`, redacted: redact(line, value) });
      }
    }
  }
  const seen = new Set<number>();
  return out.filter((f) => !seen.has(f.line) && seen.add(f.line));
}
