import { LRUCache } from "lru-cache";
import type { GitTreeEntry } from "./github.js";

type Tree = { tree: GitTreeEntry[]; truncated: boolean };

/**
 * Git objects are immutable, so whatever was fetched for one audit serves every later one: blobs by
 * SHA (bounded in bytes) and trees by SHA (bounded in entries). Shared by all audits of a process.
 */
export class GitCache {
  readonly blobs: LRUCache<string, Uint8Array>;
  readonly trees: LRUCache<string, Tree>;
  readonly pending = new Map<string, Promise<Uint8Array>>();
  /** Trees being fetched: a push and its check suite open the same head at the same moment. */
  readonly pendingTrees = new Map<string, Promise<Tree>>();
  hits = 0;
  misses = 0;

  constructor({ maxBlobBytes = 64 * 1024 * 1024, maxTreeEntries = 400_000 } = {}) {
    this.blobs = new LRUCache({ maxSize: maxBlobBytes, sizeCalculation: (b) => Math.max(1, b.length) });
    this.trees = new LRUCache({
      maxSize: maxTreeEntries,
      sizeCalculation: (t) => Math.max(1, t.tree.length),
    });
  }
}
