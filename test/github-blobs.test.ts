import { describe, expect, it } from "vitest";
import { gitBlobSha } from "./github/fake-github.js";
import { graphqlProblems } from "./github/graphql.js";
import { batchesOf, blobQuery, readBatched, type BlobText } from "../src/sources/github-blobs.js";

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
