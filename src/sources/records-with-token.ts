import type { Catalogue, Scorecard } from "../engine/model.js";
import { rootPrefix } from "../engine/paths.js";
import type { Snapshot } from "../engine/snapshot.js";
import { applyVerification, wantsDeployments, workflowsToVerify } from "../engine/verification.js";
import { deliveredImages } from "./ghcr-packages.js";
import { gitBlobSha } from "./github-blobs.js";
import { describeError } from "./github.js";
import { octokitRecordsReader, readRecords, type RecordsCache } from "./github-records.js";

const WORKFLOW = /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/;

/**
 * The snapshot, keeping the bytes of each GitHub workflow file the audit reads: verification needs their
 * blob (a cache key) and what they publish, and reads no file a second time.
 */
export function keepingWorkflows(snapshot: Snapshot): {
  snapshot: Snapshot;
  workflows: Map<string, Uint8Array>;
} {
  const workflows = new Map<string, Uint8Array>();
  const kept: Snapshot = {
    entries: snapshot.entries,
    ...(snapshot.unlisted ? { unlisted: snapshot.unlisted } : {}),
    ...(snapshot.prefetch ? { prefetch: (paths) => snapshot.prefetch!(paths) } : {}),
    async read(path) {
      const result = await snapshot.read(path);
      if (result.ok && WORKFLOW.test(path)) workflows.set(path, result.bytes);
      return result;
    },
  };
  return { snapshot: kept, workflows };
}

/** What a token-holding audit (by name, or the Action) knows of the repository whose records it reads. */
export interface RecordsAccess {
  /** An Octokit with the token; the records are read with nothing else. */
  octokit: Parameters<typeof octokitRecordsReader>[0];
  owner: string;
  repo: string;
  defaultBranch: string;
  private: boolean;
  /** `User` or `Organization`: their packages live at different addresses. */
  ownerType?: string;
  /** The commit whose audit reads the records: a pull request's base reuses its head's. */
  head: string;
  /** Where the audited folder sits in the repository (`""` at its root, else ending in `/`). */
  prefix: string;
  cache: RecordsCache;
}

/** The workflow files an audit read, as it read them, by their path in what it audited. */
export type ReadWorkflows = ReadonlyMap<string, Uint8Array>;

/**
 * A judged scorecard checked against GitHub's records with a token, through the app's reader and pure
 * step. Without access it says once why not. A token that may not read Actions (every workflow refused)
 * is said once too, never as an error; nor is anything else that goes wrong: records are a bonus.
 */
export async function verifyWithToken(
  card: Scorecard,
  access: RecordsAccess | { unavailable: string },
  workflows: ReadWorkflows,
  catalogue: Catalogue,
): Promise<Scorecard> {
  if ("unavailable" in access) return applyVerification(card, access, catalogue);
  try {
    // Rule evidence is relative to the audited root; GitHub knows workflows by their repository path.
    const root = access.prefix + rootPrefix(card.target.root);
    const wanted = workflowsToVerify(card).map((w) => ({ ...w, path: root + w.path }));
    const decoder = new TextDecoder();
    const textOf = (p: string) => {
      const bytes = workflows.get(rootPrefix(card.target.root) + p);
      return bytes && decoder.decode(bytes);
    };
    const images = root ? [] : deliveredImages(card, textOf, access.owner, access.repo);
    // Each workflow's blob, the key its records are cached under.
    const blobs = new Map<string, string>();
    for (const w of wanted) {
      const bytes = workflows.get(w.path.slice(access.prefix.length));
      if (bytes) blobs.set(w.path, await gitBlobSha(bytes));
    }
    const records = await readRecords(
      octokitRecordsReader(access.octokit, access.owner, access.repo, access.ownerType),
      access.cache,
      {
        repository: `${access.owner}/${access.repo}`,
        head: access.head,
        defaultBranch: access.defaultBranch,
        workflows: wanted,
        blobOf: (path) => blobs.get(path),
        deployments: wantsDeployments(card),
        packages: { images, repositoryPrivate: access.private },
      },
    );
    const read = Object.values(records.workflows);
    if (read.length && read.every((r) => "unreadable" in r && r.unreadable === "permission not granted"))
      return applyVerification(card, { unavailable: "permission not granted" }, catalogue);
    records.workflows = Object.fromEntries(
      Object.entries(records.workflows).map(([path, r]) => [path.slice(root.length), r]),
    );
    return applyVerification(card, records, catalogue);
  } catch (e) {
    return applyVerification(card, { unavailable: describeError(e) }, catalogue);
  }
}
