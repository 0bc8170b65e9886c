#!/usr/bin/env node
import { existsSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { CONFIG_PATH, parseConfig, settingsFrom, DEFAULT_CONFIG, type ConfigResult } from "./config/load.js";
import { audit } from "./engine/audit.js";
import type { Scorecard } from "./engine/model.js";
import { badgeSnippet } from "./render/badge.js";
import { renderHtml } from "./render/html.js";
import { renderJson } from "./render/json.js";
import { renderMarkdown } from "./render/markdown.js";
import { renderSarif } from "./render/sarif.js";
import { relativeLinksUnder } from "./render/status.js";
import { renderText } from "./render/text.js";
import { loadCatalogue } from "./rules/load.js";
import { githubOrigin } from "./sources/git-remote.js";
import { LocalSource } from "./sources/local.js";
import { TOOL } from "./version.js";

const USAGE =
  "usage: mlops-audit DIR [--format text|markdown|json|sarif|html] [--config FILE] [--fail-below N]";
const FORMATS = ["text", "markdown", "json", "sarif", "html"] as const;
type Format = (typeof FORMATS)[number];

class UsageError extends Error {}

interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
}

function parse(argv: string[]) {
  let values, positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: "string", default: "text" },
        config: { type: "string" },
        "fail-below": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return { help: true as const };
  if (positionals.length !== 1)
    throw new UsageError(positionals.length ? "give exactly one directory" : "no directory given");
  if (!FORMATS.includes(values.format as Format)) throw new UsageError(`unknown format "${values.format}"`);
  let failBelow: number | undefined;
  if (values["fail-below"] !== undefined) {
    failBelow = Number(values["fail-below"]);
    if (!Number.isFinite(failBelow) || failBelow < 0 || failBelow > 100)
      throw new UsageError("--fail-below takes a number from 0 to 100");
  }
  return {
    help: false as const,
    dir: positionals[0],
    format: values.format as Format,
    config: values.config,
    failBelow,
  };
}

/**
 * The README badge, for the repository's own people at their terminal: when the app's public address is set
 * (PUBLIC_URL) and the directory is a clone of a GitHub repository.
 */
function badgeOf(dir: string): string | undefined {
  const base = process.env.PUBLIC_URL;
  const origin = base ? githubOrigin(dir) : undefined;
  return base && origin ? badgeSnippet(base, origin.owner, origin.repo) : undefined;
}

function render(card: Scorecard, format: Format, isTTY: boolean, badge: string | undefined): string {
  switch (format) {
    case "json":
      return renderJson(card);
    case "sarif":
      return renderSarif(card);
    case "html":
      return renderHtml(card, { links: relativeLinksUnder(card.target.root) });
    case "markdown":
      return renderMarkdown(card, { links: relativeLinksUnder(card.target.root), badge }) + "\n";
    default:
      return renderText(card, { color: isTTY && !process.env.NO_COLOR, badge });
  }
}

/** Runs the CLI and returns its exit code: 0 audited, 1 below --fail-below, 2 bad usage, directory or config. */
export async function main(argv: string[], io: Io): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (e) {
    io.stderr(`mlops-audit: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const dir = resolve(args.dir);
  let source: LocalSource;
  try {
    source = await LocalSource.open(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.stderr(
      `mlops-audit: cannot read ${args.dir}: ${code === "ENOENT" ? "no such directory" : (e as Error).message}\n`,
    );
    return 2;
  }
  const catalogue = loadCatalogue();
  const configFile = args.config ?? join(dir, CONFIG_PATH);
  let config: ConfigResult = { ok: true, config: DEFAULT_CONFIG };
  if (args.config !== undefined || existsSync(configFile)) {
    let text: string;
    try {
      text = readFileSync(configFile, "utf8");
    } catch {
      io.stderr(`mlops-audit: cannot read config ${configFile}\n`);
      return 2;
    }
    config = parseConfig(text, args.config ?? CONFIG_PATH, catalogue);
    if (!config.ok) {
      io.stderr(`mlops-audit: invalid config: ${config.error}\n`);
      return 2;
    }
  }
  const card = await audit(source, {
    catalogue,
    settings: settingsFrom(config.config),
    tool: TOOL,
    target: { name: basename(dir), path: args.dir },
  });
  io.stdout(render(card, args.format, io.isTTY, badgeOf(dir)));
  const failBelow = args.failBelow ?? config.config.thresholds.fail_below;
  return failBelow !== undefined && card.score < failBelow ? 1 : 0;
}

const invokedDirectly = process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    isTTY: !!process.stdout.isTTY,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`mlops-audit: ${(e as Error).message}\n`);
      process.exitCode = 2;
    },
  );
}
