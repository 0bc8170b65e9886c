import type { ProgressReport } from "../engine/audit.js";

/** After this long without a result, a person at a terminal wants to know the audit is alive. */
export const PROGRESS_AFTER_MS = 2_000;
const REDRAW_MS = 100;

/**
 * One line on a terminal's stderr, rewritten in place (`\r`), that appears only once an audit has taken two
 * seconds, and is wiped when it ends. Pure apart from the `write` and `now` it is given.
 */
export function progressLine(write: (s: string) => void, now: () => number = () => performance.now()) {
  const started = now();
  let drawn = 0;
  let shown = false;
  const report: ProgressReport = (stage, done, total) => {
    const t = now();
    if (t - started < PROGRESS_AFTER_MS || t - drawn < REDRAW_MS) return;
    drawn = t;
    shown = true;
    const count =
      total === undefined
        ? done.toLocaleString("en")
        : `${done.toLocaleString("en")}/${total.toLocaleString("en")}`;
    write(`\r\x1b[Kmlops-audit: ${stage} ${count}…`);
  };
  const end = () => {
    if (shown) write("\r\x1b[K");
  };
  return { report, end };
}
