import { rmSync } from "node:fs";
import { SUITE_LOG_DIR } from "./suite-log.js";

/** A run starts with no logs from the one before, so the scan after it reads this run's alone. */
export default function clearSuiteLogs(): void {
  rmSync(SUITE_LOG_DIR, { recursive: true, force: true });
}
