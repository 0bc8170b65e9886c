import { createHash } from "node:crypto";
import {
  chmodSync,
  chownSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTree } from "../bench/trees.js";
import { catalogueCacheDir } from "../src/rules/cache.js";
import { loadCatalogue } from "../src/rules/load.js";

const realTitle = loadCatalogue(undefined, { cacheDir: join(writeTree({}), "c") }).phases[0].rules[0].title;

/** Loads the catalogue with `cacheDir`, collecting warnings. */
function load(cacheDir: string) {
  const warnings: string[] = [];
  const catalogue = loadCatalogue(undefined, { cacheDir, warn: (m) => warnings.push(m) });
  return { title: catalogue.phases[0].rules[0].title, warnings };
}

/** Rewrites every cached catalogue in `dir` with a planted first-rule title, with a matching digest or not. */
function poison(dir: string, { fixDigest }: { fixDigest: boolean }) {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    const entry = JSON.parse(readFileSync(file, "utf8"));
    const catalogue = JSON.parse(entry.catalogue);
    catalogue.phases[0].rules[0].title = "PLANTED";
    entry.catalogue = JSON.stringify(catalogue);
    if (fixDigest) entry.digest = createHash("sha256").update(entry.catalogue).digest("hex");
    writeFileSync(file, JSON.stringify(entry));
  }
}

describe("the compiled-rule cache", () => {
  it("lives in the user's own folder: XDG_CACHE_HOME, else ~/.cache", () => {
    expect(catalogueCacheDir({ XDG_CACHE_HOME: "/x/cache" })).toBe("/x/cache/mlops-audit");
    expect(catalogueCacheDir({ XDG_CACHE_HOME: "relative" })).toMatch(/\/\.cache\/mlops-audit$/);
    expect(catalogueCacheDir({})).toMatch(/\/\.cache\/mlops-audit$/);
  });

  it("is created private (folder 0700, file 0600) and read back", () => {
    const dir = join(writeTree({}), "cache");
    expect(load(dir)).toEqual({ title: realTitle, warnings: [] });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const [file] = readdirSync(dir);
    expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    expect(load(dir)).toEqual({ title: realTitle, warnings: [] });
  });

  it("a poisoned cache file that does not match its digest is ignored with a warning and rebuilt", () => {
    const dir = join(writeTree({}), "cache");
    load(dir);
    poison(dir, { fixDigest: false });
    const { title, warnings } = load(dir);
    expect(title).toBe(realTitle);
    expect(warnings).toEqual([
      expect.stringMatching(/do not match their digest or the rule files; they are rebuilt$/),
    ]);
    expect(load(dir)).toEqual({ title: realTitle, warnings: [] });
  });

  it("a folder others can write to is not used, however well-formed what it holds", () => {
    const dir = join(writeTree({}), "cache");
    load(dir);
    poison(dir, { fixDigest: true });
    chmodSync(dir, 0o777);
    const { title, warnings } = load(dir);
    expect(title).toBe(realTitle);
    expect(warnings).toEqual([`the rule cache ${dir} is not used: others can write to it`]);
  });

  it("a folder planted by another user, or a link in its place, is not used", () => {
    const base = writeTree({});
    const planted = join(base, "planted");
    load(planted);
    poison(planted, { fixDigest: true });
    const link = join(base, "link");
    symlinkSync(planted, link);
    expect(load(link).title).toBe(realTitle);
    expect(load(link).warnings[0]).toBe(`the rule cache ${link} is not used: it is not a folder`);
    if (process.getuid?.() === 0) {
      chownSync(planted, 65534, 65534);
      const { title, warnings } = load(planted);
      expect(title).toBe(realTitle);
      expect(warnings[0]).toMatch(/is not used: it belongs to user 65534, not to you \(0\)$/);
    }
  });

  it("loads through the user's cache folder by default", () => {
    const home = join(writeTree({}), "xdg");
    const saved = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = home;
    try {
      expect(loadCatalogue().phases[0].rules[0].title).toBe(realTitle);
      expect(readdirSync(join(home, "mlops-audit"))).toEqual([
        expect.stringMatching(/^catalogue-[0-9a-f]{32}\.json$/),
      ]);
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved;
    }
  });
});
