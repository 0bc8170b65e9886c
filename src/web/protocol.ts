/** What the page asks of the audit worker, and what the worker answers, as structured-clone messages. */

export interface AuditRequest {
  owner: string;
  repo: string;
  ref?: string;
  token?: string;
  apiUrl: string;
  rawUrl: string;
  /** The page's own address, for the badge snippet's link. */
  pageUrl: string;
}

/** GitHub's hourly API allowance as its last answer told it. */
export interface Allowance {
  remaining: number;
  limit: number;
  /** Seconds since the epoch. */
  reset: number;
}

export type WorkerMessage =
  | { kind: "tree"; files: number }
  | { kind: "read"; done: number; of: number }
  | {
      kind: "done";
      html: string;
      /** Markdown for the repository's README. */
      badge: string;
      json: string;
      sarif: string;
      score: number;
      fullName: string;
      allowance?: Allowance;
    }
  | { kind: "failed"; message: string; allowance?: Allowance };

/** The API requests one audit makes without a token: the repository, the ref's commit, the tree. */
export const API_REQUESTS_PER_AUDIT = 3;
