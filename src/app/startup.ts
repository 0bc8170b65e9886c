import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { reasonOf } from "../sources/local.js";
import { assertWebhookSecret } from "./index.js";

/**
 * The GitHub App's key as Probot's loader reads it: PRIVATE_KEY (with `\n` escapes, or base64) or the file
 * PRIVATE_KEY_PATH names. Undefined when neither is set.
 */
function privateKeyText(env: NodeJS.ProcessEnv): { from: string; text: string } | undefined {
  if (env.PRIVATE_KEY) {
    const raw = env.PRIVATE_KEY.replace(/\\n/g, "\n");
    const text = raw.includes("-----BEGIN") ? raw : Buffer.from(raw, "base64").toString("utf8");
    return { from: "PRIVATE_KEY", text };
  }
  if (env.PRIVATE_KEY_PATH) {
    try {
      return {
        from: `PRIVATE_KEY_PATH ${env.PRIVATE_KEY_PATH}`,
        text: readFileSync(env.PRIVATE_KEY_PATH, "utf8"),
      };
    } catch (e) {
      throw new Error(`PRIVATE_KEY_PATH ${env.PRIVATE_KEY_PATH} cannot be read: ${reasonOf(e)}`);
    }
  }
  return undefined;
}

/**
 * Why the server cannot start with these credentials, in one line, or undefined. In development a missing
 * app id and key are fine (Probot's setup page asks for them); a key that is given must be a key.
 */
export function startupProblem(env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    const key = privateKeyText(env);
    if (key) {
      try {
        createPrivateKey(key.text);
      } catch {
        return `${key.from} is not a PEM private key: paste the whole .pem file the GitHub App's settings page gave you`;
      }
    }
    if (env.NODE_ENV !== "production") return undefined;
    if (!env.APP_ID) return "APP_ID is not set: in production the app needs its GitHub App id";
    if (!/^\d+$/.test(env.APP_ID)) return `APP_ID must be the GitHub App's numeric id, not "${env.APP_ID}"`;
    if (!key)
      return "PRIVATE_KEY or PRIVATE_KEY_PATH is not set: in production the app needs its private key";
    assertWebhookSecret(env);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Starts a server process, or says in one line why it cannot and exits 1: a stack trace of a missing
 * variable is noise to the person who has to set it.
 */
export async function startOrExplain(start: () => Promise<unknown>): Promise<void> {
  const fail = (reason: string) => {
    process.stderr.write(`mlops-audit: cannot start: ${reason}\n`);
    process.exit(1);
  };
  const problem = startupProblem();
  if (problem) return fail(problem);
  try {
    await start();
  } catch (e) {
    fail(String((e as Error).message ?? e).split("\n")[0]);
  }
}
