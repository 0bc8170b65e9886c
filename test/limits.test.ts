import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readTree } from "../bench/trees.js";
import { audit } from "../src/engine/audit.js";
import { MemorySnapshot } from "../src/engine/snapshot.js";
import { loadCatalogue } from "../src/rules/load.js";
import { LocalSource } from "../src/sources/local.js";

const catalogue = loadCatalogue();
const tool = { name: "mlops-audit", version: "test" };
const run = (files: Record<string, string | Uint8Array>) =>
  audit(new MemorySnapshot(files), { catalogue, tool, target: { name: "t" } });
const status = (card: Awaited<ReturnType<typeof run>>, id: string) => card.rules.find((r) => r.id === id)!;

describe("limits on what is read", () => {
  it("a file over the 1 MB cap is not read, and rules that needed it are inconclusive with the reason", async () => {
    const big = "x = 1\n".repeat(200_000) + "import mlflow\nmlflow.log_metric('a', 1)\n";
    const card = await run({ "train.py": big, "README.md": "# Project\n" });
    const finding = status(card, "tracking.experiments");
    expect(finding.status).toBe("inconclusive");
    expect(finding.credit).toBeNull();
    expect(finding.message).toMatch(/Could not read train\.py \(1\.\d MB, over the 1024 KB cap\)/);
    expect(status(card, "foundations.readme").status).toBe("partial");
    expect(card.notes.join(" ")).toContain("Could not read train.py (1.");
  });

  it("a notebook over the 1 MB cap but under its own 8 MB is read, not named unreadable", async () => {
    const cells = [
      { cell_type: "code", source: ["import mlflow\n", "mlflow.log_metric('a', 1)\n"] },
      {
        cell_type: "code",
        outputs: [{ data: { "image/png": "A".repeat(1_800_000) } }],
        source: ["plot()\n"],
      },
    ];
    const card = await run({ "notebooks/eda.ipynb": JSON.stringify({ cells, nbformat: 4 }) });
    const finding = status(card, "tracking.experiments");
    expect(finding.status).toBe("partial");
    expect(card.notes.join(" ")).not.toContain("eda.ipynb");
  });

  it("a pass found elsewhere stands even when another file of the kind is too large", async () => {
    const card = await run({
      "big.py": "#\n".repeat(600_000),
      "train.py": "import mlflow\nmlflow.log_metric('a', 1)\n",
    });
    expect(status(card, "tracking.experiments").status).toBe("pass");
  });

  it("cloud.secrets scans plain text up to 10 MB, and names a larger file while the files read decide", async () => {
    const key = "AWS_SECRET_ACCESS_KEY = 'q8Lr2vXn4Tb9Kd1Ws7Yh3Pm6Zc0Fg5Jt8Nx2Qe4R'\n";
    const twoMb = '{"pad": "' + " ".repeat(2_000_000) + '"}\n';
    expect(status(await run({ "config.json": twoMb + key }), "cloud.secrets").status).toBe("fail");
    const card = await run({ "dump.json": "[" + " ".repeat(11 * 1048576) + "]", "app.py": "print(1)\n" });
    const secrets = status(card, "cloud.secrets");
    expect(secrets.status).toBe("pass");
    expect(secrets.message).toContain(
      "Not read, and could not change this: dump.json (11.0 MB, over the 10240 KB cap)",
    );
  });

  it("an unreadable file decides nothing it could not have decided: a 1.7 MB coverage.json clouds no rule", async () => {
    const coverage = JSON.stringify({ files: { "a.py": { executed_lines: Array(370_000).fill(1000) } } });
    expect(coverage.length).toBeGreaterThan(1_700_000);
    const middling = readTree("fixtures/repos/middling");
    const before = await run(middling);
    const after = await run({ ...middling, "coverage.json": coverage });
    expect(after.rules.map((r) => [r.id, r.status])).toEqual(before.rules.map((r) => [r.id, r.status]));
    // Scanned for secrets and let go: the secret scan does not call it unread; the rules that glob JSON do.
    expect(status(after, "cloud.secrets").message).toBe(status(before, "cloud.secrets").message);
    expect(status(after, "monitoring.metrics").message).toContain(
      "Not read, and could not change this: coverage.json (1.",
    );
    expect(after.notes.join(" ")).toContain("Could not read coverage.json");
  });

  it("generated reports, lockfiles, minified and data files over the cap are named, never inconclusive", async () => {
    const huge = "a: 1\n".repeat(300_000);
    const middling = readTree("fixtures/repos/middling");
    const before = await run(middling);
    const unread = {
      "pnpm-lock.yaml": huge,
      "web/app.min.yml": huge,
      "data/raw/events.json": "[" + " ".repeat(10.5 * 1048576) + "]",
      "reports/coverage.xml": "<x>" + " ".repeat(11 * 1048576) + "</x>",
    };
    const after = await run({ ...middling, ...unread });
    expect(after.rules.map((r) => [r.id, r.status])).toEqual(before.rules.map((r) => [r.id, r.status]));
    const pipeline = status(after, "cicd.pipeline");
    expect(pipeline.message).toContain("Not read, and could not change this:");
    expect(pipeline.message).toContain("pnpm-lock.yaml (1.4 MB, over the 1024 KB cap)");
    // The same file in a folder no rule excuses is read by kind, and clouds what it could change.
    const workflow = await run({ ...middling, ".github/workflows/big.yml": huge });
    expect(status(workflow, "cicd.tests").status).toBe("inconclusive");
  });

  it("a folder that could not be listed clouds only the rules that could read what it holds", async () => {
    const files = readTree("fixtures/repos/middling");
    const withoutCi = Object.fromEntries(Object.entries(files).filter(([p]) => !p.startsWith(".github/")));
    const memory = new MemorySnapshot(withoutCi);
    const snapshot = {
      entries: memory.entries,
      read: (path: string) => memory.read(path),
      unlisted: new Map([
        [".github/", "permission denied"],
        ["node_modules/", "permission denied"],
      ]),
    };
    const card = await audit(snapshot, { catalogue, tool, target: { name: "t" } });
    expect(status(card, "cicd.pipeline")).toMatchObject({
      status: "inconclusive",
      message: "Could not read folder .github/ (permission denied), which this rule needs.",
    });
    expect(status(card, "serving.api").status).toBe("pass");
    expect(status(card, "tracking.experiments").status).not.toBe("inconclusive");
    expect(card.notes.join(" ")).not.toContain("node_modules");
    const plain = await audit(
      { ...snapshot, unlisted: new Map([["src/", "permission denied"]]) },
      { catalogue, tool, target: { name: "t" } },
    );
    // A plain folder may hold Python: a rule that fails without it could have passed with it. The sweep
    // configuration tracking.hpo also reads could sit in .github/, but only beside a sweep command in Python,
    // which was all read and holds none: that part is false whatever the folder holds.
    expect(status(card, "tracking.hpo").status).toBe("fail");
    expect(status(plain, "tracking.hpo").status).toBe("inconclusive");
  });

  it("binary files, invalid UTF-8, empty files and odd paths do not crash the audit", async () => {
    const card = await run({
      "model.py": new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]),
      "bad utf8.py": new Uint8Array([
        0x69, 0x6d, 0x70, 0xff, 0xfe, 0x0a, 0x69, 0x6d, 0x70, 0x6f, 0x72, 0x74, 0x20, 0x6d, 0x6c, 0x66, 0x6c,
        0x6f, 0x77, 0x0a,
      ]),
      "empty.py": "",
      "données/étape d'entraînement.py": "import mlflow\nmlflow.log_metric('a', 1)\n",
      "notebooks/broken.ipynb": "{not json",
      "deep.yml": "a: ".repeat(5000) + "1\n",
      "weird\nname.yml": "on: push\n",
    });
    expect(card.rules).toHaveLength(35);
    const tracking = status(card, "tracking.experiments");
    expect(tracking.status).toBe("pass");
    expect(tracking.evidence[0].path).toBe("données/étape d'entraînement.py");
  });

  it("symbolic links are never followed out of the directory", async () => {
    const outside = mkdtempSync(join(tmpdir(), "outside-"));
    writeFileSync(join(outside, "secret.py"), "import mlflow\nmlflow.log_metric('a', 1)\n");
    const repo = mkdtempSync(join(tmpdir(), "repo-"));
    mkdirSync(join(repo, "src"));
    writeFileSync(join(repo, "src", "real.py"), "print(1)\n");
    symlinkSync(join(outside, "secret.py"), join(repo, "src", "escape.py"));
    symlinkSync(outside, join(repo, "linked-dir"));
    symlinkSync(join(repo, "src", "real.py"), join(repo, "inside.py"));
    const source = await LocalSource.open(repo);
    const paths = source.entries.map((e) => e.path).sort();
    expect(paths).toEqual(["inside.py", "src/real.py"]);
    const card = await audit(source, { catalogue, tool, target: { name: "t" } });
    expect(status(card, "tracking.experiments").status).toBe("fail");
  });
});
