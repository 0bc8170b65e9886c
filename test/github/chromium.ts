import { accessSync, constants, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { chromium, type Browser } from "playwright-core";

/** Names a system Chromium goes by on PATH (Debian, Ubuntu's snap shim, Google's build). */
const SYSTEM_NAMES = ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"];

/**
 * Where the registry package's Chromium is unpacked: inside the checkout, owned by whoever runs the tests,
 * not the shared temporary folder, where another user could leave a binary of their own under the
 * package's fixed name (`$TMPDIR/chromium`) for us to run.
 */
const UNPACK_DIR = resolve("node_modules/.cache/mlops-audit-chromium");

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function systemChromium(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter).filter(Boolean))
    for (const name of SYSTEM_NAMES) if (executable(join(dir, name))) return join(dir, name);
  return undefined;
}

/**
 * The Chromium that `@sparticuz/chromium` ships inside its npm package, unpacked once, with the shared
 * libraries it needs beyond libc (NSS, NSPR, expat: packed for Amazon Linux, and loaded here through
 * LD_LIBRARY_PATH, so a machine without a system browser's libraries can run it) and its fonts. The package
 * unpacks into `os.tmpdir()`, and the libraries only where it thinks it runs on Amazon Linux, both read when
 * it is called, so the environment says so for the call; the test file's hooks run one at a time, so nothing
 * else reads it meanwhile.
 */
async function packagedChromium(): Promise<{ path: string; env: Record<string, string> }> {
  const { default: packaged } = await import("@sparticuz/chromium");
  const libs = join(UNPACK_DIR, "al2023", "lib");
  // A folder left by an interrupted unpack is unpacked again.
  if (!existsSync(libs)) rmSync(UNPACK_DIR, { recursive: true, force: true });
  mkdirSync(UNPACK_DIR, { recursive: true, mode: 0o700 });
  const saved = { TMPDIR: process.env.TMPDIR, AWS_LAMBDA_JS_RUNTIME: process.env.AWS_LAMBDA_JS_RUNTIME };
  Object.assign(process.env, { TMPDIR: UNPACK_DIR, AWS_LAMBDA_JS_RUNTIME: "nodejs20.x" });
  try {
    packaged.setGraphicsMode = false;
    const path = await packaged.executablePath();
    // The package's own fonts.conf names its serverless folders (/tmp/fonts); without fonts the page's text
    // has no size and is not visible. Ours names where the fonts were unpacked, then the system's.
    const fontconfig = join(UNPACK_DIR, "fontconfig");
    mkdirSync(fontconfig, { recursive: true });
    writeFileSync(
      join(fontconfig, "fonts.conf"),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>${join(UNPACK_DIR, "fonts", "fonts")}</dir>` +
        `<dir>/usr/share/fonts</dir><cachedir>${join(UNPACK_DIR, "fonts-cache")}</cachedir></fontconfig>\n`,
    );
    const env = {
      ...(process.env as Record<string, string>),
      LD_LIBRARY_PATH: libs,
      FONTCONFIG_PATH: fontconfig,
    };
    return { path, env };
  } finally {
    for (const [name, value] of Object.entries(saved))
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
  }
}

const QUIET = [
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let told = false;

/**
 * Headless Chromium for the page tests, driven by playwright-core (it makes no request of its own):
 * `CHROMIUM_PATH` if set, else a Chromium on PATH, else the one the `@sparticuz/chromium` dev dependency
 * ships, so `npm ci && npm test` needs nothing from the system. The first launch says in one line which
 * one a run looked through.
 */
export async function launchChromium(): Promise<Browser> {
  const { browser, which } = await launch();
  if (!told) console.info(`page tests: Chromium ${which}`);
  told = true;
  return browser;
}

async function launch(): Promise<{ browser: Browser; which: string }> {
  const chosen = process.env.CHROMIUM_PATH || systemChromium();
  if (chosen) {
    const browser = await chromium.launch({ executablePath: chosen, args: ["--no-sandbox", ...QUIET] });
    return { browser, which: `${browser.version()} at ${chosen}` };
  }
  // Not the package's own flags: they are for a serverless sandbox, and `--single-process` there closes
  // the browser at a second page.
  const { path, env } = await packagedChromium();
  const browser = await chromium.launch({ executablePath: path, env, args: ["--no-sandbox", ...QUIET] });
  return { browser, which: `${browser.version()} from @sparticuz/chromium, at ${path}` };
}
