import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
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
    expect(card.notes.join(" ")).toContain("could not be read");
  });

  it("a pass found elsewhere stands even when another file of the kind is too large", async () => {
    const card = await run({
      "big.py": "#\n".repeat(600_000),
      "train.py": "import mlflow\nmlflow.log_metric('a', 1)\n",
    });
    expect(status(card, "tracking.experiments").status).toBe("pass");
  });

  it("no secret can be claimed when a text file could not be read", async () => {
    const card = await run({ "config.json": "{" + " ".repeat(1_100_000) + "}" });
    expect(status(card, "cloud.secrets").status).toBe("inconclusive");
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
