import { ProbotOctokit } from "probot";
import { answerStore, conditionalRequests } from "./conditional-requests.js";
import { LocalWriteBudget, type WriteBudget } from "./queue/write-budget.js";
import { throttleLimiters } from "./request-spacing.js";

export interface RetryPolicy {
  /** Milliseconds per unit of backoff and of `retry-after` (1,000 in production: GitHub speaks in seconds). */
  unitMs: number;
  /** A rate limit that asks for a longer wait than this many seconds is not waited for. */
  maxWaitSeconds: number;
}

export const PRODUCTION_RETRIES: RetryPolicy = { unitMs: 1000, maxWaitSeconds: 60 };

/** Retries after a rate limit: twice, and only when GitHub asks for a wait the audit can afford. */
function rateLimitHandler(policy: RetryPolicy, kind: string) {
  return (
    retryAfter: number,
    options: { method: string; url: string },
    octokit: { log: { warn: (message: string) => void } },
    retryCount: number,
  ) => {
    const retry = retryCount < 2 && retryAfter <= policy.maxWaitSeconds;
    octokit.log.warn(
      `${kind} on ${options.method} ${options.url}: ${retry ? `retrying in ${retryAfter} s` : "giving up"}`,
    );
    return retry;
  };
}

/**
 * The throttling plugin spaces writes a second apart for each `throttle.id`, as GitHub asks of each
 * installation. Probot sets that id on the clients of `app.auth(id)` but not on the ones its event
 * handlers get (`context.octokit`), so in one process every installation's writes queued behind each
 * other: one write a second for all of them, which held a worker to one audit every two seconds.
 * An installation's client is keyed by its installation here, as `app.auth(id)` keys it.
 */
function throttleKey(options: Record<string, unknown>): { id?: string } {
  const installationId = (options.auth as { installationId?: number } | undefined)?.installationId;
  return installationId === undefined ? {} : { id: String(installationId) };
}

/** This process's writes, for clients not given a budget of their own. */
const processWrites = new LocalWriteBudget();

/**
 * How every GitHub request of the app behaves when GitHub fails. A 5xx or a 429 is retried three times,
 * after 1, 4 and 9 units; a primary or secondary rate limit (403) is retried twice after the wait GitHub
 * names, unless that wait is longer than the policy allows. Anything else (404, 422, …) is not retried:
 * the caller turns it into an unreadable file or a check run that says what failed.
 *
 * Writes are spaced per installation from `writes`, which counts this process's writes unless it is a
 * budget shared through Redis, with which the whole deployment counts as one client. A GraphQL query
 * is a read and is not spaced (request-spacing.ts). A GET answered before is asked again conditionally
 * (conditional-requests.ts).
 */
export function resilientOctokit(
  policy: RetryPolicy = PRODUCTION_RETRIES,
  writes: WriteBudget = processWrites,
) {
  return ProbotOctokit.plugin(conditionalRequests(answerStore())).defaults(
    (options: Record<string, unknown>) => ({
      ...options,
      retry: {
        enabled: true,
        retries: 3,
        retryAfterBaseValue: policy.unitMs,
        doNotRetry: [400, 401, 403, 404, 410, 422, 451],
      },
      throttle: {
        ...(options.throttle as object | undefined),
        ...throttleKey(options),
        enabled: true,
        retryAfterBaseValue: policy.unitMs,
        onRateLimit: rateLimitHandler(policy, "rate limit"),
        onSecondaryRateLimit: rateLimitHandler(policy, "secondary rate limit"),
        ...throttleLimiters(writes),
      },
    }),
  );
}

export const AppOctokit = resilientOctokit();
