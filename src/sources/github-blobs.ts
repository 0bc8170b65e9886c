/** What GitHub's GraphQL API says of one blob. `text` is null for a binary blob. */
export interface BlobText {
  oid: string;
  text: string | null;
  isBinary: boolean | null;
  isTruncated: boolean;
  byteSize: number;
}

/** Reads many blobs in one request, in the order asked; null for one GitHub did not return. */
export type BatchReader = (oids: readonly string[]) => Promise<(BlobText | null)[]>;

/**
 * At most this many blobs, and about this many bytes of text, per query. Each query costs one point of
 * GitHub's GraphQL budget whatever its size (no connections are read), and must finish within GitHub's
 * ten-second limit on a query; `npm run bench:requests` and `bench:latency` measure the choice.
 */
export const BATCH_BLOBS = 100;
export const BATCH_BYTES = 4 * 1024 * 1024;
/** Queries in flight at once for one audit: well under GitHub's limit of concurrent requests. */
const BATCHES_AT_ONCE = 4;

/** The query for `count` blobs of one repository, each an alias of `object(oid:)`. */
export function blobQuery(count: number): string {
  const vars = Array.from({ length: count }, (_, i) => `$o${i}: GitObjectID!`).join(", ");
  const objects = Array.from(
    { length: count },
    (_, i) => `b${i}: object(oid: $o${i}) { ... on Blob { oid text isBinary isTruncated byteSize } }`,
  ).join(" ");
  return `query Blobs($owner: String!, $name: String!, ${vars}) { repository(owner: $owner, name: $name) { ${objects} } }`;
}

type GraphqlClient = {
  graphql: (query: string, variables: Record<string, unknown>) => Promise<unknown>;
};
type Answer = { repository: Record<string, BlobText | null> | null };

/** A batch reader through an authenticated Octokit (GitHub's GraphQL API needs a token). */
export function graphqlBlobReader(octokit: GraphqlClient, owner: string, name: string): BatchReader {
  return async (oids) => {
    const variables: Record<string, unknown> = { owner, name };
    oids.forEach((oid, i) => (variables[`o${i}`] = oid));
    let answer: Answer;
    try {
      answer = (await octokit.graphql(blobQuery(oids.length), variables)) as Answer;
    } catch (e) {
      // Errors on some objects still come with the others' data: keep what was answered.
      const partial = (e as { data?: Answer }).data;
      if (!partial?.repository) throw e;
      answer = partial;
    }
    return oids.map((_, i) => answer.repository?.[`b${i}`] ?? null);
  };
}

/** Groups blobs into batches under both the count and the byte bound, in the order given. */
export function batchesOf(
  blobs: readonly { sha: string; size: number }[],
  maxBlobs = BATCH_BLOBS,
  maxBytes = BATCH_BYTES,
): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const { sha, size } of blobs) {
    if (current.length && (current.length >= maxBlobs || bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(sha);
    bytes += size;
  }
  if (current.length) batches.push(current);
  return batches;
}

/** Git's blob SHA, through Web Crypto: the same in Node and in the browser audit, with no Node module. */
export async function gitBlobSha(bytes: Uint8Array): Promise<string> {
  const header = new TextEncoder().encode(`blob ${bytes.length}\0`);
  const whole = new Uint8Array(header.length + bytes.length);
  whole.set(header);
  whole.set(bytes, header.length);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", whole));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The blob's exact bytes from its GraphQL text, or nothing: a truncated or binary blob, or a text that
 * does not hash back to the blob's SHA (GitHub re-encodes a file that is not UTF-8), is left to the
 * REST read, which returns the bytes themselves.
 */
async function bytesOf(sha: string, blob: BlobText | null): Promise<Uint8Array | undefined> {
  if (!blob || blob.isTruncated || blob.isBinary || blob.text === null) return undefined;
  const bytes = new TextEncoder().encode(blob.text);
  return bytes.length === blob.byteSize && (await gitBlobSha(bytes)) === sha ? bytes : undefined;
}

/**
 * Reads blobs in batches. A query that still fails after the client's retries is split in two and each
 * half asked again, down to single blobs, for as long as one half of a split is answered. When both
 * halves fail too, the fault is GitHub's GraphQL API rather than the batch, and no further query is
 * sent. Whatever is not read here is missing from the answer, and the caller reads it alone.
 */
export async function readBatched(
  read: BatchReader,
  blobs: readonly { sha: string; size: number }[],
): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  const pending = batchesOf(blobs);
  let down = false;
  /** Whether GitHub answered the batch or a part of it. */
  const one = async (batch: string[]): Promise<boolean> => {
    if (down) return false;
    let answers: (BlobText | null)[];
    try {
      answers = await read(batch);
    } catch {
      if (batch.length === 1) return false;
      const half = Math.ceil(batch.length / 2);
      // One half after the other, so that a GitHub that answers neither is known before more is sent.
      const first = await one(batch.slice(0, half));
      const second = await one(batch.slice(half));
      if (!first && !second) down = true;
      return first || second;
    }
    await Promise.all(
      batch.map(async (sha, i) => {
        const bytes = await bytesOf(sha, answers[i]);
        if (bytes) out.set(sha, bytes);
      }),
    );
    return true;
  };
  const worker = async () => {
    for (let batch = pending.shift(); batch; batch = pending.shift()) await one(batch);
  };
  await Promise.all(Array.from({ length: BATCHES_AT_ONCE }, worker));
  return out;
}
