import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTree } from "../bench/trees.js";
import { startupProblem } from "../src/app/startup.js";
import { PRIVATE_KEY } from "./github/fake-github.js";

const production = { NODE_ENV: "production", APP_ID: "1", PRIVATE_KEY, WEBHOOK_SECRET: "s" };

describe("starting the server", () => {
  it("names the one missing or bad credential", () => {
    expect(startupProblem(production)).toBeUndefined();
    expect(startupProblem({ ...production, APP_ID: "" })).toMatch(/^APP_ID is not set/);
    expect(startupProblem({ ...production, APP_ID: "my-app" })).toMatch(
      /^APP_ID must be the GitHub App's numeric id/,
    );
    expect(startupProblem({ ...production, PRIVATE_KEY: undefined })).toMatch(
      /^PRIVATE_KEY or PRIVATE_KEY_PATH is not set/,
    );
    expect(startupProblem({ ...production, WEBHOOK_SECRET: undefined })).toMatch(
      /^WEBHOOK_SECRET is not set/,
    );
    expect(startupProblem({ ...production, PRIVATE_KEY: "abc" })).toMatch(
      /^PRIVATE_KEY is not a PEM private key/,
    );
    // Probot's own forms of a key: escaped newlines and base64.
    expect(startupProblem({ ...production, PRIVATE_KEY: PRIVATE_KEY.replace(/\n/g, "\\n") })).toBeUndefined();
    expect(
      startupProblem({ ...production, PRIVATE_KEY: Buffer.from(PRIVATE_KEY).toString("base64") }),
    ).toBeUndefined();
    const dir = writeTree({});
    writeFileSync(join(dir, "key.pem"), PRIVATE_KEY);
    const fromFile = { ...production, PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: join(dir, "key.pem") };
    expect(startupProblem(fromFile)).toBeUndefined();
    expect(startupProblem({ ...fromFile, PRIVATE_KEY_PATH: join(dir, "nope.pem") })).toBe(
      `PRIVATE_KEY_PATH ${join(dir, "nope.pem")} cannot be read: no such file or directory`,
    );
    // In development Probot's setup page asks for what is missing; a key that is given must still be one.
    expect(startupProblem({ NODE_ENV: "development" })).toBeUndefined();
    expect(startupProblem({ NODE_ENV: "development", PRIVATE_KEY: "abc" })).toMatch(/not a PEM private key/);
  });

  it("prints one line and exits 1, with no stack trace", () => {
    for (const [env, line] of [
      [{ NODE_ENV: "production" }, "mlops-audit: cannot start: APP_ID is not set"],
      [
        { APP_ID: "1", PRIVATE_KEY: "abc" },
        "mlops-audit: cannot start: PRIVATE_KEY is not a PEM private key",
      ],
    ] as const) {
      const run = spawnSync(process.execPath, ["--import", "tsx", "src/app/main.ts"], {
        encoding: "utf8",
        env: { PATH: process.env.PATH, PORT: "0", ...env },
        timeout: 60_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).toMatch(new RegExp(`^${line}`));
    }
  }, 120_000);
});
