import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createState } from "../src/app/index.js";
import { filesOf } from "./github/fake-github.js";
import { fakeGitHubPerTest } from "./github/per-test.js";
import { pushEvent, testProbot } from "./github/probot.js";
import { NEVER_LOGGED, suiteLogDestination } from "./github/suite-log.js";

const SHA = "7".repeat(40);
const github = fakeGitHubPerTest();

describe("logs", () => {
  it("carry the delivery id on every line of a webhook's handling, and never a token or a committed secret", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const secret = NEVER_LOGGED.plantedAwsKey;
    const files = {
      ...filesOf("fixtures/repos/middling"),
      "settings.py": Buffer.from(`AWS_KEY = "${secret}"\n`),
    };
    github.token().noOrgConfig().checkRuns(SHA).commit(SHA, files).checkRun(11);
    // This test's own sink, and the suite's log too, which is scanned after the whole suite.
    const log = pino(
      { level: "debug" },
      pino.multistream([
        { stream: sink, level: "debug" },
        { stream: suiteLogDestination(), level: "debug" },
      ]),
    );
    const { probot } = await testProbot(createState(), log);
    await probot.receive(pushEvent("delivery-1234", SHA));
    const fromHandler = lines.filter((l) => l.msg === "audited");
    expect(fromHandler).toHaveLength(1);
    expect(fromHandler[0]).toMatchObject({ id: "delivery-1234", sha: SHA });
    const text = JSON.stringify(lines);
    expect(text).not.toContain(NEVER_LOGGED.installationToken);
    expect(text).not.toContain(secret);
    // The secret was found: the check run names its file and line, without the value.
    const [done] = github.completions() as {
      output: { annotations: { path: string }[] };
    }[];
    expect(done.output.annotations.map((a) => a.path)).toContain("settings.py");
    expect(JSON.stringify(github.requests)).not.toContain(secret);
  });
});
