import { chromium, type Browser } from "playwright-core";

const QUIET = [
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Headless Chromium for the page tests: `CHROMIUM_PATH` if set, else Debian's package. */
export async function launchChromium(): Promise<{ browser: Browser; which: string }> {
  const path = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  const browser = await chromium.launch({ executablePath: path, args: ["--no-sandbox", ...QUIET] });
  return { browser, which: `${path} ${browser.version()}` };
}
