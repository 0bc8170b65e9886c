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
    /^(replace[_-]?with|change[_-]?me|changeit|insert[_-]|put[_-]|enter[_-]|add[_-]your)/i.test(v) ||
    isSynthetic(v) ||
    readsAsLocation(v) ||
    // The name of an environment variable that holds the secret (`"IQA_S3_SECRET_ACCESS_KEY"`), not the secret.
    /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(v)
  );
}

/**
 * The catalogue's synthetic values: a placeholder word anywhere in the value, a run of eight sequential
 * characters, or one character repeated for most of the value. Fixtures plant these on purpose.
 */
const PLACEHOLDER_WORDS =
  /example|placeholder|dummy|fake|sample|planted|redacted|not[_-]?a[_-]?real|replace[_-]?me/i;
/** Ascending or descending: `12345678`, `9876543210`, `abcdefgh`. */
const SEQUENCES = ["0123456789", "abcdefghijklmnopqrstuvwxyz", "9876543210", "zyxwvutsrqponmlkjihgfedcba"];

function hasSequentialRun(value: string, length = 8): boolean {
  const lower = value.toLowerCase();
  for (let i = 0; i + length <= lower.length; i++) {
    const run = lower.slice(i, i + length);
    if (SEQUENCES.some((s) => s.includes(run))) return true;
  }
  return false;
}

function mostlyOneCharacter(value: string): boolean {
  if (value.length < 8) return false;
  const counts = new Map<string, number>();
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
  return Math.max(...counts.values()) > value.length / 2;
}

export function isSynthetic(value: string): boolean {
  return PLACEHOLDER_WORDS.test(value) || hasSequentialRun(value) || mostlyOneCharacter(value);
}

/**
 * A path, URL or object key is no secret: it starts with a scheme, ends in a file extension, or its
 * `/`-separated parts are lower-case words, numbers and dates. A mixed-case run (`wJalrXUtnFEMI/K7MDENG`) is
 * not a path.
 */
function readsAsLocation(value: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return true;
  // A host name, with or without a port: `minio.tracking.svc.cluster.local:9000`.
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?$/.test(value)) return true;
  if (/\.[a-z][a-z0-9]{0,5}$/.test(value) && !/[+=]/.test(value)) return true;
  if (!value.includes("/")) return false;
  return value
    .split("/")
    .filter(Boolean)
    .every((part) => /^[a-z0-9_.=:-]+$/.test(part));
}

/** A file that documents the shape of a config, never its values: `*.example.*`, `*.sample.*`, `*.template.*`, `*.dist`. */
export function isTemplateFile(path: string): boolean {
  const base = baseName(path);
  return (
    /\.(example|sample|template|tmpl|dist)(\.|$)/i.test(base) || /^(example|sample|template)\./i.test(base)
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
];
/** A private key counts only with a body: base64 lines after its marker. */
const PRIVATE_KEY_MARKER = /-----BEGIN ([A-Z]+ )*PRIVATE KEY-----/;
const KEY_BODY_LINE = /^\s*(\\n|")*[A-Za-z0-9+/]{40,}={0,2}/;
const ESCAPED_KEY_BODY = /PRIVATE KEY-----(\\r)?\\n[A-Za-z0-9+/]{40,}/;
const AWS_KEY_ID = /\b(AKIA|ASIA)[0-9A-Z]{16}\b/;
const AWS_SECRET = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/;
const ASSIGNMENT = /(?:^|[\s{,(;])["']?([A-Za-z_][\w.-]*)["']?\s*[:=]\s*(["']?)([^\s"',;(){}]+)(["']?)(\()?/g;
/**
 * Files where a bare, unquoted value is a literal; in code, only a quoted string is. Shell scripts, READMEs
 * and notebooks hold `NAME=value` and `export NAME=value` lines as written to a terminal.
 */
const BARE_VALUE_FILE =
  /(^|\/)\.env(\.[^/]*)?$|(^|\/)(Dockerfile[^/]*|[^/]*\.dockerfile)$|\.(ya?ml|ini|cfg|conf|properties|tfvars|toml|env|sh|bash|zsh|md|markdown|rst|txt|ipynb)$/i;
/** `os.environ["NAME"] = "value"`, `config['api_key'] = '…'`: a secret-named key set to a literal. */
const SUBSCRIPT_ASSIGNMENT = /\[\s*\\?["']([A-Za-z_][\w.-]*)\\?["']\s*\]\s*=\s*\\?(["'])([^\s"'\\]+)\\?["']/g;

function isEnvFile(path: string): boolean {
  const base = baseName(path);
  return /^\.env(\..+)?$/.test(base) && !/\.(example|sample|template|dist)$/i.test(base);
}

function redact(line: string, value: string): string {
  const masked = line.split(value).join("****");
  const t = masked.trim();
  return t.length > 100 ? `${t.slice(0, 99)}…` : t;
}

/** The catalogue's literal: at least 20 characters, mixing letters and digits. */
function isStrong(value: string): boolean {
  return value.length >= 20 && /[A-Za-z]/.test(value) && /\d/.test(value);
}

/** Every secret name holds one of these words, whatever its case. */
const SECRET_WORDS = /key|secret|token|passw|pwd/i;
/**
 * Where an assignment to a secret name may be: a secret word, the rest of the name, and a `:` or `=`
 * (past a closing quote and bracket for `env["API_KEY"] =`). Both assignment patterns need one.
 */
const SECRET_ASSIGNED = /(?:key|secret|token|passw|pwd)[\w.-]*\\?["']?\s*\]?\s*[:=]/gi;
/**
 * `SECRET_ASSIGNED` followed by a quoted value of at least 20 characters: in a file where only a quoted
 * value counts (code), an assignment finding needs a strong one (`isStrong`), so only such lines are read.
 * Most `key=` of code is a keyword argument (`sorted(xs, key=len)`), and these skip it.
 */
const SECRET_ASSIGNED_QUOTED = new RegExp(`${SECRET_ASSIGNED.source}\\s*\\\\?["'][^\\s"']{20}`, "gi");
/** Any of the markers a whole file is tried for, in one pass: most files hold none. */
const ANY_MARKER = new RegExp(
  [...PROVIDER_PATTERNS.map(([, pattern]) => pattern), AWS_KEY_ID, PRIVATE_KEY_MARKER]
    .map((pattern) => `(?:${pattern.source})`)
    .join("|"),
);

/** What a file's text may hold, found once on the whole text; each line is then checked for those alone. */
interface LineCheck {
  path: string;
  providers: [string, RegExp][];
  privateKeys: boolean;
  awsKeys: boolean;
  assignments: boolean;
  env: boolean;
  kaggle: boolean;
}

/** The findings on line `i` (0-based); `lines` is needed only for a private key's body or an AWS key's secret. */
function checkLine(c: LineCheck, line: string, i: number, lines: string[] | undefined, out: SecretFinding[]) {
  const { path } = c;
  if (line.length > 4000) return;
  for (const [kind, pattern] of c.providers) {
    const m = line.match(pattern);
    if (m && !isPlaceholder(m[0])) out.push({ path, line: i + 1, kind, redacted: redact(line, m[0]) });
  }
  if (c.privateKeys && lines && PRIVATE_KEY_MARKER.test(line)) {
    const body = ESCAPED_KEY_BODY.test(line) || KEY_BODY_LINE.test(lines[i + 1] ?? "");
    if (body) out.push({ path, line: i + 1, kind: "private key", redacted: "-----BEGIN … PRIVATE KEY-----" });
  }
  const aws = c.awsKeys && lines && line.match(AWS_KEY_ID);
  if (aws && !isPlaceholder(aws[0])) {
    const near = lines!.slice(Math.max(0, i - 5), i + 6).join("\n");
    const secret = near.match(AWS_SECRET);
    if (secret && !isPlaceholder(secret[0]))
      out.push({ path, line: i + 1, kind: "AWS access key", redacted: redact(line, aws[0]) });
  }
  // Both assignments need a secret name, and every secret name holds a secret word.
  if (!c.assignments || !SECRET_WORDS.test(line)) return;
  for (const m of line.matchAll(SUBSCRIPT_ASSIGNMENT)) {
    const [, name, , value] = m;
    if (isSecretName(name) && !isPlaceholder(value) && isStrong(value))
      out.push({ path, line: i + 1, kind: `value for ${name}`, redacted: redact(line, value) });
  }
  for (const m of line.matchAll(ASSIGNMENT)) {
    const [, name, open, value, close, call] = m;
    if (!isSecretName(name) || isPlaceholder(value) || call) continue;
    const quoted = open !== "" && open === close;
    if (!quoted && !BARE_VALUE_FILE.test(path)) continue;
    const strong = isStrong(value);
    const kaggleKey = c.kaggle && name === "key" && value.length >= 16;
    if (strong || kaggleKey || (c.env && line.trimStart().startsWith(name) && value.length > 0)) {
      out.push({ path, line: i + 1, kind: `value for ${name}`, redacted: redact(line, value) });
    }
  }
}

/**
 * Calls `each` with every line where a secret name may be assigned and its 0-based number, in order, each
 * once, without splitting the text: in most files (JavaScript bundles above all) few lines have one. With
 * `spellings` (how the text's words spell a secret word, as `SecretHints` has them), `assigned` is tried
 * only where one of them starts: a few native searches instead of an expression tried at each place. A
 * match that starts elsewhere starts inside a word's earlier match, where it matches as well.
 */
function forLinesWithSecretWords(
  text: string,
  assigned: RegExp,
  each: (line: string, i: number) => void,
  spellings?: readonly string[],
): void {
  const words = new RegExp(assigned.source, spellings ? "iy" : "gi");
  const starts = spellings && placesOf(text, spellings);
  let next = 0;
  /** The first match from `from` on: where the expression first matches, or the first start it matches at. */
  const matchFrom = (from: number): RegExpExecArray | null => {
    if (!starts) {
      words.lastIndex = from;
      return words.exec(text);
    }
    for (; next < starts.length; next++) {
      if (starts[next] < from) continue;
      words.lastIndex = starts[next];
      const m = words.exec(text);
      if (m) return m;
    }
    return null;
  };
  let line = 0;
  let start = 0;
  let newline = text.indexOf("\n");
  for (let m = matchFrom(0); m;) {
    while (newline !== -1 && newline < m.index) {
      line++;
      start = newline + 1;
      newline = text.indexOf("\n", start);
    }
    const end = newline === -1 ? text.length : newline;
    each(text.slice(start, end), line);
    m = matchFrom(end + 1);
  }
}

/** Where each of `needles` (an empty one is nowhere) starts in `text`, every time, in order. */
function placesOf(text: string, needles: readonly string[]): number[] {
  const places: number[] = [];
  for (const needle of needles)
    if (needle)
      for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) places.push(at);
  return places.sort((a, b) => a - b);
}

/**
 * What a word index already knows of a text: `spellings`, how its words spell a secret word (`key`, `Key`:
 * the matches of `SECRET_WORD_SPELLINGS` in each, the first of overlapping ones), none when no word holds
 * one; `markers: false` when it holds none of `MARKER_PARTS`. The scan then skips what cannot match.
 */
export interface SecretHints {
  spellings?: readonly string[];
  markers?: boolean;
}
/** Every secret name holds a match of this, in some case (`SECRET_WORDS`). */
export const SECRET_WORD_SPELLINGS = new RegExp(SECRET_WORDS.source, "gi");
/** Every marker (`ANY_MARKER`) holds one of these as written. */
export const MARKER_PARTS = [
  "ghp_",
  "github_pat_",
  "xox",
  "dckr_pat_",
  "AIza",
  "AKIA",
  "ASIA",
  "PRIVATE KEY",
];

export function findSecrets(path: string, text: string, hints: SecretHints = {}): SecretFinding[] {
  if (isTemplateFile(path)) return [];
  // Each pattern is tried on the whole text first: none spans a line, so a file it misses is done with, and
  // most files are, without splitting them into lines.
  const marked = hints.markers !== false && ANY_MARKER.test(text);
  if (!marked && hints.spellings?.length === 0) return [];
  const check: LineCheck = {
    path,
    providers: marked ? PROVIDER_PATTERNS.filter(([, pattern]) => pattern.test(text)) : [],
    awsKeys: marked && AWS_KEY_ID.test(text),
    privateKeys: marked && PRIVATE_KEY_MARKER.test(text),
    // Without a marker, the search for assignments below says as much as a test for the words would.
    assignments: !marked || SECRET_WORDS.test(text),
    env: isEnvFile(path),
    kaggle: baseName(path) === "kaggle.json",
  };
  if (!check.providers.length && !check.awsKeys && !check.privateKeys && !check.assignments) return [];
  const out: SecretFinding[] = [];
  if (check.providers.length || check.awsKeys || check.privateKeys) {
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) checkLine(check, lines[i], i, lines, out);
  } else {
    const quotedOnly = !check.env && !check.kaggle && !BARE_VALUE_FILE.test(path);
    const assigned = quotedOnly ? SECRET_ASSIGNED_QUOTED : SECRET_ASSIGNED;
    const read = (line: string, i: number) => checkLine(check, line, i, undefined, out);
    forLinesWithSecretWords(text, assigned, read, hints.spellings);
  }
  const seen = new Set<number>();
  return out.filter((f) => !seen.has(f.line) && seen.add(f.line));
}
