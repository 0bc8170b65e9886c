import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { NEVER_LOGGED, SUITE_LOG_DIR } from "../github/suite-log.js";

/** Runs after the whole suite (`npm test` runs it second): everything every app in it logged. */
const files = readdirSync(SUITE_LOG_DIR).filter((f) => f.endsWith(".ndjson"));
const lines = files.flatMap((f) => readFileSync(`${SUITE_LOG_DIR}/${f}`, "utf8").split("\n").filter(Boolean));

describe("the log output of the whole test suite", () => {
  it("was captured from many webhook deliveries (so the scan below means something)", () => {
    const deliveries = new Set(lines.map((l) => (JSON.parse(l) as { id?: string }).id).filter(Boolean));
    expect(deliveries.size).toBeGreaterThanOrEqual(20);
    expect(lines.some((l) => l.includes('"msg":"audited"'))).toBe(true);
  });

  it.each(Object.entries(NEVER_LOGGED))("never holds the %s", (_, value) => {
    expect(lines.filter((l) => l.includes(value))).toEqual([]);
  });

  it("never holds a private key or a signed token", () => {
    expect(lines.filter((l) => /PRIVATE KEY|eyJ[\w-]{10,}\.eyJ[\w-]{10,}\./.test(l))).toEqual([]);
  });
});
