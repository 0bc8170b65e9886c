import { LRUCache } from "lru-cache";
import type { Scorecard } from "../../engine/model.js";

export interface PublicScorecard {
  card: Scorecard;
  auditedAt: Date;
  /** When the audited commit was made, where GitHub said. */
  committedAt?: Date;
  htmlUrl: string;
}

/** Found, or nothing to show: not installed, private, unknown and never audited all look the same. */
export type Lookup = PublicScorecard | null;

/** How long a result (or its absence) is served before GitHub is asked again, visibility included. */
const FRESH_MS = 5 * 60 * 1000;

export function publicCache() {
  return new LRUCache<string, { found: Lookup }>({ max: 2000, ttl: FRESH_MS });
}

export const cacheKey = (owner: string, repo: string) => `${owner}/${repo}`.toLowerCase();
