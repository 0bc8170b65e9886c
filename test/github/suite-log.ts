import { mkdirSync } from "node:fs";
import { threadId } from "node:worker_threads";
import { pino, type DestinationStream } from "pino";

/**
 * Every app the tests start logs here, at trace level, one file per worker; after the suite,
 * `test/suite-log/scan.check.ts` reads all of it for credentials and planted secrets.
 */
export const SUITE_LOG_DIR = ".ci/out/suite-logs";

/** Values the tests hand to the app or plant in repositories; none may reach a log line. */
export const NEVER_LOGGED = {
  installationToken: "ghs_test",
  webhookSecret: "webhook-secret-for-tests",
  plantedAwsKey: "AKIA" + "Z7QK4M2NXR5T8WPL",
};

let destination: DestinationStream | undefined;

export function suiteLogDestination(): DestinationStream {
  if (!destination) {
    mkdirSync(SUITE_LOG_DIR, { recursive: true });
    destination = pino.destination({
      dest: `${SUITE_LOG_DIR}/${process.pid}-${threadId}.ndjson`,
      sync: true,
    });
  }
  return destination;
}

export function suiteLog() {
  return pino({ level: "trace" }, suiteLogDestination());
}
