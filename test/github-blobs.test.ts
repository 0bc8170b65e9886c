import { describe, expect, it } from "vitest";
import { gitBlobSha } from "./github/fake-github.js";
import { graphqlProblems } from "./github/graphql.js";
import { GitCache } from "../src/sources/git-cache.js";
import { batchesOf, blobQuery, readBatched, type BlobText } from "../src/sources/github-blobs.js";
import { GitHubSnapshot, type GitReader, type GitTreeEntry } from "../src/sources/github.js";

const texts = ["a\n", "bb\n", "ccc\n", "dddd\n", "é\n"];
const blobs = texts.map((t) => ({ sha: gitBlobSha(Buffer.from(t)), size: Buffer.byteLength(t), text: t }));
const answer = (b: (typeof blobs)[number], patch: Partial<BlobText> = {}): BlobText => ({
  oid: b.sha,
  text: b.text,
  isBinary: false,
  isTruncated: false,
  byteSize: b.size,
  ...patch,
});

describe("batched blob reads", () => {
  it("bounds each batch by count and by bytes, in the order given", () => {
    const sized = [10, 10, 10, 30, 5].map((size, i) => ({ sha: `s${i}`, size }));
    expect(batchesOf(sized, 2, 1000)).toEqual([["s0", "s1"], ["s2", "s3"], ["s4"]]);
    expect(batchesOf(sized, 10, 30)).toEqual([["s0", "s1", "s2"], ["s3"], ["s4"]]);
    // A blob larger than the byte bound still gets a batch of its own.
    expect(batchesOf([{ sha: "big", size: 99 }], 10, 30)).toEqual([["big"]]);
  });

  it("sends a query GitHub's schema accepts, with one variable per blob", () => {
    const variables = { owner: "o", name: "r", o0: blobs[0].sha, o1: blobs[1].sha };
    expect(graphqlProblems({ query: blobQuery(2), variables })).toEqual([]);
    expect(
      graphqlProblems({ query: blobQuery(2), variables: { owner: "o", name: "r", o0: "x" } }),
    ).not.toEqual([]);
  });

  it("splits a failing query in halves until the failing blob stands alone, and reads the rest", async () => {
    const asked: number[] = [];
    const poison = blobs[3].sha;
    const read = async (oids: readonly string[]) => {
      asked.push(oids.length);
      if (oids.includes(poison)) throw new Error("HTTP 502");
      return oids.map((oid) => answer(blobs.find((b) => b.sha === oid)!));
    };
    const got = await readBatched(read, blobs);
    expect([...got.keys()].sort()).toEqual(
      blobs
        .filter((b) => b.sha !== poison)
        .map((b) => b.sha)
        .sort(),
    );
    expect(new TextDecoder().decode(got.get(blobs[4].sha))).toBe("é\n");
    expect(asked).toEqual([5, 3, 2, 1, 1]);
  });

  it("leaves to the REST read a truncated, binary, missing or re-encoded blob", async () => {
    const read = async (oids: readonly string[]) =>
      oids.map(
        (_, i) =>
          [
            answer(blobs[0], { isTruncated: true }),
            answer(blobs[1], { isBinary: true, text: null }),
            null,
            answer(blobs[3], { text: "DDDD\n" }),
            answer(blobs[4]),
          ][i],
      );
    const got = await readBatched(read, blobs);
    expect([...got.keys()]).toEqual([blobs[4].sha]);
  });
});

describe("a commit's files when the batched read fails", () => {
  it("reads each through REST instead, never more than eight at once", async () => {
    const files = Array.from({ length: 30 }, (_, i) => `print(${i})\n`);
    const tree: GitTreeEntry[] = files.map((text, i) => ({
      path: `m${i}.py`,
      type: "blob",
      mode: "100644",
      sha: gitBlobSha(Buffer.from(text)),
      size: text.length,
    }));
    const bySha = new Map(files.map((t) => [gitBlobSha(Buffer.from(t)), t]));
    let inFlight = 0;
    let most = 0;
    let batches = 0;
    const git: GitReader = {
      getTree: async () => ({ tree, truncated: false }),
      getBlobs: async () => {
        batches++;
        throw new Error("HTTP 502");
      },
      getBlob: async (sha) => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return new TextEncoder().encode(bySha.get(sha));
      },
    };
    const snapshot = await GitHubSnapshot.open(git, "t", new GitCache());
    const paths = tree.map((e) => e.path!);
    snapshot.prefetch(paths);
    const read = await Promise.all(paths.map((p) => snapshot.read(p)));
    expect(read.every((r) => r.ok)).toBe(true);
    expect(most).toBeLessThanOrEqual(8);
    // 30 fails, then its first halves down to one file (15, 8, 4, 2, 1) and that file's sibling: with
    // both halves of a split unanswered GraphQL is down, and all 30 go through REST. A few queries, not 59.
    expect(batches).toBe(7);
  });
});
