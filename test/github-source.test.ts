import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { audit } from "../src/engine/audit.js";
import { loadCatalogue } from "../src/rules/load.js";
import { GitCache } from "../src/sources/git-cache.js";
import { GitHubSnapshot, type GitReader, type GitTreeEntry } from "../src/sources/github.js";
import { gitBlobSha } from "./github/fake-github.js";

type Node = { [name: string]: string | Node | { link: string } };

/**
 * A Git object store in memory that answers like the Git Trees API: a recursive listing is cut
 * (truncated) when it has more than `limit` entries, as GitHub cuts at 100,000.
 */
class MemoryGit implements GitReader {
  readonly calls: string[] = [];
  private readonly trees = new Map<string, GitTreeEntry[]>();
  private readonly blobs = new Map<string, Buffer>();
  inFlight = 0;
  maxInFlight = 0;
  readonly root: string;

  constructor(
    tree: Node,
    private readonly limit = Infinity,
  ) {
    this.root = this.store(tree);
  }

  private store(node: Node): string {
    const entries: GitTreeEntry[] = Object.entries(node).map(([path, value]) => {
      if (typeof value === "string" || "link" in value) {
        const bytes = Buffer.from(typeof value === "string" ? value : String(value.link));
        const sha = gitBlobSha(bytes);
        this.blobs.set(sha, bytes);
        return {
          path,
          type: "blob",
          mode: typeof value === "string" ? "100644" : "120000",
          sha,
          size: bytes.length,
        };
      }
      return { path, type: "tree", mode: "040000", sha: this.store(value as Node) };
    });
    // Content-addressed, as Git's are: a changed file gives a new tree SHA up to the root.
    const sha = createHash("sha1").update(JSON.stringify(entries)).digest("hex");
    this.trees.set(sha, entries);
    return sha;
  }

  private listing(sha: string, prefix = ""): GitTreeEntry[] {
    return this.trees.get(sha)!.flatMap((e) => {
      const here = { ...e, path: prefix + e.path };
      return e.type === "tree" ? [here, ...this.listing(e.sha!, `${here.path}/`)] : [here];
    });
  }

  async getTree(sha: string, recursive: boolean) {
    this.calls.push(`tree ${sha}${recursive ? " recursive" : ""}`);
    if (!recursive) return { tree: this.trees.get(sha)!, truncated: false };
    const all = this.listing(sha);
    return { tree: all.slice(0, this.limit), truncated: all.length > this.limit };
  }

  async getBlob(sha: string) {
    this.calls.push(`blob ${sha}`);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, 2));
    this.inFlight--;
    return new Uint8Array(this.blobs.get(sha)!);
  }
}

const REPO: Node = {
  "README.md": "# Taxi\n",
  src: { "train.py": "import mlflow\n", deep: { "serve.py": "from fastapi import FastAPI\n" } },
  data: { "big.csv": "x\n".repeat(10) },
  ".github": { workflows: { "ci.yml": "on: push\njobs: {}\n" } },
};

describe("the GitHub source", () => {
  it("lists a commit with one recursive tree call when GitHub does not truncate", async () => {
    const git = new MemoryGit(REPO);
    const snap = await GitHubSnapshot.open(git, git.root, new GitCache());
    expect(git.calls).toEqual([`tree ${git.root} recursive`]);
    expect(snap.entries.map((e) => e.path)).toEqual([
      ".github/workflows/ci.yml",
      "README.md",
      "data/big.csv",
      "src/deep/serve.py",
      "src/train.py",
    ]);
  });

  it("walks sub-trees when the recursive answer is truncated, and finds every file", async () => {
    const git = new MemoryGit(REPO, 3);
    const snap = await GitHubSnapshot.open(git, git.root, new GitCache());
    expect(snap.entries.map((e) => e.path)).toEqual([
      ".github/workflows/ci.yml",
      "README.md",
      "data/big.csv",
      "src/deep/serve.py",
      "src/train.py",
    ]);
    expect(git.calls[0]).toBe(`tree ${git.root} recursive`);
    expect(git.calls).toContain(`tree ${git.root}`);
    expect(git.calls.filter((c) => !c.startsWith("tree"))).toEqual([]);
  });

  it("fetches only the files the rules read, each once, and a re-audit of a one-file change fetches one blob", async () => {
    const catalogue = loadCatalogue();
    const tool = { name: "t", version: "0" };
    const cache = new GitCache();
    const first = new MemoryGit(REPO);
    await audit(await GitHubSnapshot.open(first, first.root, cache), {
      catalogue,
      tool,
      target: { name: "r" },
    });
    const blobs = first.calls.filter((c) => c.startsWith("blob"));
    expect(blobs.length).toBe(new Set(blobs).size);
    // data/big.csv is listed but no rule reads a CSV.
    expect(blobs).not.toContain(`blob ${gitBlobSha(Buffer.from("x\n".repeat(10)))}`);

    const second = new MemoryGit({ ...REPO, "README.md": "# Taxi trip duration\n" });
    await audit(await GitHubSnapshot.open(second, second.root, cache), {
      catalogue,
      tool,
      target: { name: "r" },
    });
    expect(second.calls.filter((c) => c.startsWith("blob"))).toEqual([
      `blob ${gitBlobSha(Buffer.from("# Taxi trip duration\n"))}`,
    ]);
    expect(cache.misses).toBe(blobs.length + 1);
  });

  it("keeps the number of blob requests in flight within the bound", async () => {
    const many: Node = {};
    for (let i = 0; i < 40; i++) many[`m${i}.py`] = `import os  # ${i}\n`;
    const git = new MemoryGit(many);
    await audit(await GitHubSnapshot.open(git, git.root, new GitCache()), {
      catalogue: loadCatalogue(),
      tool: { name: "t", version: "0" },
      target: { name: "r" },
      concurrency: 8,
    });
    expect(git.calls.filter((c) => c.startsWith("blob"))).toHaveLength(40);
    expect(git.maxInFlight).toBeGreaterThan(1);
    expect(git.maxInFlight).toBeLessThanOrEqual(8);
  });

  it("follows a symbolic link only to a file of the same commit", async () => {
    const git = new MemoryGit({
      "README.md": { link: "docs/README.md" },
      docs: { "README.md": "# Real readme\n" },
      "secrets.py": { link: "../../etc/passwd" },
    });
    const snap = await GitHubSnapshot.open(git, git.root, new GitCache());
    const readme = await snap.read("README.md");
    expect(readme.ok && new TextDecoder().decode(readme.bytes)).toBe("# Real readme\n");
    expect(await snap.read("secrets.py")).toEqual({
      ok: false,
      reason: "a symbolic link that does not lead to a file of this repository",
    });
  });

  it("turns a failed blob request into an unreadable file, not a crash", async () => {
    const git = new MemoryGit(REPO);
    git.getBlob = async () => {
      throw Object.assign(new Error("boom"), { status: 500 });
    };
    const snap = await GitHubSnapshot.open(git, git.root, new GitCache());
    expect(await snap.read("README.md")).toEqual({
      ok: false,
      reason: "GitHub did not return the file (HTTP 500, a GitHub server error, still there after retries)",
    });
  });
});

describe("a hostile repository", () => {
  const catalogue = loadCatalogue();
  const judge = (git: MemoryGit) =>
    GitHubSnapshot.open(git, git.root, new GitCache()).then((snapshot) =>
      audit(snapshot, { catalogue, tool: { name: "t", version: "0" }, target: { name: "hostile" } }),
    );

  it("a 50 MB file, 2,000 workflows, odd paths, a binary .py and a notebook that is not JSON: a complete scorecard", async () => {
    const workflow = "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n";
    const huge = "x = 1\n".repeat((50 * 1024 * 1024) / 6);
    const git = new MemoryGit({
      "README.md": "# Hostile\n",
      "train.py": huge,
      ".github": {
        workflows: Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`w${i}.yml`, workflow])),
      },
      "with space": { "serve me.py": "from fastapi import FastAPI\napp = FastAPI()\n" },
      ünï: { "cödé.py": "import mlflow\n" },
      "line\nbreak.py": "print('x')\n",
      "..": { "escape.py": "import os\n" },
      "bin.py": "\u0000\u0001\u0002ELF",
      "eda.ipynb": "{ not json",
    });
    const card = await judge(git);
    expect(card.rules).toHaveLength(35);
    for (const r of card.rules) expect(["pass", "partial", "fail", "inconclusive"]).toContain(r.status);
    expect(git.calls).not.toContain(`blob ${gitBlobSha(Buffer.from(huge))}`);
    expect(card.notes.join(" ")).toMatch(
      /^Could not read train.py \(50.0 MB, over the 1024 KB cap\); rules whose/,
    );
    // The CI rule saw the workflows: a test step on push in 2,000 files is still one verdict.
    expect(card.rules.find((r) => r.id === "cicd.tests")?.status).toBe("pass");
  }, 60_000);

  it("runs nothing it reads: files that would leave a mark if executed or imported leave none", async () => {
    const marker = join(tmpdir(), `mlops-audit-executed-${randomUUID()}`);
    const python = `open(${JSON.stringify(marker)}, "w").write("ran")\n`;
    const shell = `touch ${marker}`;
    const git = new MemoryGit({
      "setup.py": python,
      "conftest.py": python,
      "train.py": `import conftest\n${python}`,
      "package.json": JSON.stringify({ scripts: { preinstall: shell, postinstall: shell, test: shell } }),
      Makefile: `all:\n\t${shell}\n`,
      "run.sh": `#!/bin/sh\n${shell}\n`,
      Dockerfile: `FROM python:3.11\nRUN ${shell}\n`,
      ".github": {
        workflows: { "ci.yml": `on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: ${shell}\n` },
      },
      "eda.ipynb": JSON.stringify({ cells: [{ cell_type: "code", source: [python] }] }),
    });
    const card = await judge(git);
    expect(card.rules).toHaveLength(35);
    expect(existsSync(marker)).toBe(false);
  });

  it("a tree of 100,000 entries that GitHub truncates is walked and audited whole", async () => {
    const data = Object.fromEntries(
      Array.from({ length: 100 }, (_, d) => [
        `part${d}`,
        Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`row${i}.parquet`, "PAR1"])),
      ]),
    );
    const git = new MemoryGit({ ...data, "README.md": "# Big\n" }, 100_000);
    const card = await judge(git);
    expect(git.calls.filter((c) => c.startsWith("tree")).length).toBeGreaterThan(1);
    expect(card.rules).toHaveLength(35);
    expect(card.notes).toEqual([]);
  }, 60_000);
});
