import fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeText } from "../src/engine/text.js";
import { LocalSource } from "../src/sources/local.js";

const dir = mkdtempSync(join(tmpdir(), "mlops-audit-local-text-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bytes that stress a decoder: byte-order marks, line ends, NULs, and invalid or cut UTF-8 sequences. */
const piece = fc.constantFrom(
  [0xef, 0xbb, 0xbf],
  [0x0d, 0x0a],
  [0x0d],
  [0x00],
  [0xc3, 0xa9],
  [0xc3],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98, 0x80],
  [0xf0, 0x9f],
  [0xed, 0xa0, 0x80],
  [0xff],
  [0x80],
  [0x61],
);

describe("a local file's text, decoded by Node", () => {
  it("is what the engine's decoder makes of the file's bytes, binary files included", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 12 }),
        fc.constantFrom(0, 8180, 8190, 8191, 8192, 9000),
        async (pieces, padding) => {
          // Padding moves the pieces about the 8 KB a NUL is looked for in.
          const bytes = new Uint8Array([...Array(padding).fill(0x61), ...pieces.flat()]);
          const name = `f${n++}.txt`;
          writeFileSync(join(dir, name), bytes);
          const source = await LocalSource.open(dir);
          const expected = decodeText(bytes);
          const text = await source.readText(name);
          expect(text.ok).toBe(expected.ok);
          if (expected.ok && text.ok) expect(text.text).toBe(expected.text);
          if (!text.ok) expect(text).toMatchObject({ reason: "binary file", binary: true });
          expect((await source.readTexts([name])).get(name)).toEqual(text);
        },
      ),
      {
        numRuns: 300,
        // Two byte-order marks (the decoder drops one, the engine the other), and a NUL just past the probe.
        examples: [
          [[[0xef, 0xbb, 0xbf], [0xef, 0xbb, 0xbf], [0x61]], 0],
          [[[0x00]], 8192],
          [[[0xc3, 0xa9], [0x00]], 8190],
        ],
      },
    );
  });

  it("reads a batch of files as it reads each alone: ASCII together, the rest apart, the large past the buffer", async () => {
    const batchDir = mkdtempSync(join(tmpdir(), "mlops-audit-local-batch-"));
    try {
      const contents = [
        "import os\r\nprint(1)\n",
        "caf\u00e9 = 1\n",
        "\ufeffx = 1\n",
        "",
        "a\0b",
        // Two fill most of the 1 MB buffer; the third starts a batch of its own; the last is past it.
        "y".repeat(400_000),
        "z".repeat(400_000),
        "w".repeat(400_000),
        "v".repeat(1_500_000),
        "tail = True\n",
      ];
      contents.forEach((text, i) => writeFileSync(join(batchDir, `f${i}.py`), text));
      const source = await LocalSource.open(batchDir);
      // Files that changed since the tree was listed: one grew, one shrank.
      writeFileSync(join(batchDir, "f9.py"), "tail = True\nmore = 1\n");
      writeFileSync(join(batchDir, "f1.py"), "x\n");
      const paths = [...contents.keys()].map((i) => `f${i}.py`);
      const batch = await source.readTexts([...paths, "missing.py"]);
      for (const path of [...paths, "missing.py"])
        expect(batch.get(path), path).toEqual(await source.readText(path));
      expect(batch.get("f0.py")).toEqual({ ok: true, text: "import os\nprint(1)\n" });
      expect(batch.get("f9.py")).toEqual({ ok: true, text: "tail = True\nmore = 1\n" });
    } finally {
      rmSync(batchDir, { recursive: true, force: true });
    }
  });

  it("names why a file could not be read", async () => {
    const source = await LocalSource.open(dir);
    expect(await source.readText("missing.txt")).toEqual({ ok: false, reason: "not in the snapshot" });
  });
});
