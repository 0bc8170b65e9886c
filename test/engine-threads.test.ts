import { afterAll, describe, expect, it } from "vitest";
import { EngineThreads } from "../src/app/engine-threads.js";
import { DEFAULT_SETTINGS, judgeFiles, MAX_FILE_BYTES, readSnapshot } from "../src/engine/audit.js";
import type { ReadFiles } from "../src/engine/facts/index.js";
import { MemorySnapshot } from "../src/engine/snapshot.js";
import { loadCatalogue } from "../src/rules/load.js";
import { TOOL } from "../src/version.js";
import { completeFixture, syntheticTree } from "../bench/trees.js";

const catalogue = loadCatalogue();
const threads = new EngineThreads(1);
afterAll(() => threads.close());

const read = (files: Record<string, string>) =>
  readSnapshot(new MemorySnapshot(files), DEFAULT_SETTINGS, MAX_FILE_BYTES, 8);

const input = {
  settings: { ...DEFAULT_SETTINGS, exempt: new Map([["cloud.iac", "runs on a laptop"]]) },
  tool: TOOL,
  target: { name: "octo/complete", commit: "c".repeat(40) },
  notes: ["a note from the caller"],
};

describe("engine threads", () => {
  it("judge a tree on a worker thread to the same scorecard as the main thread, settings and notes included", async () => {
    const files = await read(completeFixture());
    const { card, fixes } = await threads.judge(files, input);
    expect(card).toEqual(judgeFiles(files, { ...input, catalogue }));
    expect(fixes).toEqual({ fixes: [], skipped: [] });
    expect(card.score).toBe(100);
    expect(card.rules.find((r) => r.id === "cloud.iac")?.status).toBe("exempt");
    expect(card.notes).toContain("a note from the caller");
  });

  it("leave the main thread free while they judge: a timer set after the request runs before the answer", async () => {
    const files = await read(syntheticTree(20_000));
    const order: string[] = [];
    const judged = threads.judge(files, input).then(() => order.push("judged"));
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        order.push("timer");
        resolve();
      }, 1),
    );
    await judged;
    expect(order).toEqual(["timer", "judged"]);
  });

  it("fail a job the engine cannot judge with the reason, and judge the next one", async () => {
    const broken = { paths: ["a.py"], texts: "not a map", unreadable: new Map() } as unknown as ReadFiles;
    await expect(threads.judge(broken, input)).rejects.toThrow(/^the engine failed: /);
    const { card, fixes } = await threads.judge(await read({ "README.md": "# Hi\n" }), input);
    expect(card.rules).toHaveLength(35);
    expect(fixes.fixes.map((f) => f.fixer)).toEqual(["ci-workflow", "pre-commit"]);
  });

  it("queue jobs beyond their number and answer each with its own scorecard", async () => {
    const trees = [{ "README.md": "# One\n" }, completeFixture(), { "a.py": "import mlflow\n" }];
    const cards = await Promise.all(
      trees.map(
        async (t, i) => (await threads.judge(await read(t), { ...input, target: { name: `t${i}` } })).card,
      ),
    );
    expect(cards.map((c) => c.target.name)).toEqual(["t0", "t1", "t2"]);
    expect(cards[1].score).toBe(100);
    expect(cards[0].score).toBeLessThan(100);
  });

  it("lose a thread that runs out of heap: its job fails with the reason, and a new thread judges the next", async () => {
    // 24 MB is enough for the rules and a small tree; a million paths (over 50 MB of text) is not.
    const small = new EngineThreads(1, 24);
    try {
      const paths = Array.from(
        { length: 1_000_000 },
        (_, i) => `packages/module-${i}/src/nested/file_${i}.py`,
      );
      const huge: ReadFiles = { paths, texts: new Map(), unreadable: new Map() };
      await expect(small.judge(huge, input)).rejects.toThrow(/^the engine thread stopped: .*memory limit/);
      const { card } = await small.judge(await read({ "README.md": "# Hi\n" }), input);
      expect(card.rules).toHaveLength(35);
    } finally {
      await small.close();
    }
    // Copying a million paths to the thread, and starting its replacement, take seconds on a slow machine.
  }, 60_000);

  it("refuse work once closed, and fail the work in hand instead of leaving it unanswered", async () => {
    const closing = new EngineThreads(1);
    const files = await read(syntheticTree(20_000));
    // The expectations are attached before closing, so each rejection has its handler when it happens.
    const inHand = expect(closing.judge(files, input)).rejects.toThrow(/closed/);
    const waiting = expect(closing.judge(files, input)).rejects.toThrow(/closed/);
    await closing.close();
    await inHand;
    await waiting;
    await expect(closing.judge(await read({}), input)).rejects.toThrow(/closed/);
  });
});
