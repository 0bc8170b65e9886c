/** A webhook delivery as it travels through the queue: enough for a worker to handle it as Probot would. */
export interface QueuedEvent {
  id: string;
  name: string;
  payload: unknown;
}

interface Payload {
  action?: string;
  ref?: string;
  after?: string;
  repository?: { full_name?: string };
  check_suite?: { head_sha?: string; head_branch?: string | null };
  pull_request?: { number?: number; head?: { sha?: string } };
}

/**
 * The queue's key for a delivery, so that work about one commit is queued once however many deliveries
 * ask for it. A push and the check suite GitHub requests for it name the same branch head and share a
 * key; a pull request's key is its number and head. Re-runs and commands are asked for on purpose, so
 * each delivery is its own job (a redelivery of it still joins). The branch is part of a head's key: the
 * same commit pushed to a feature branch, then merged to the default one, must be audited there.
 */
export function jobIdFor(event: QueuedEvent): string {
  const p = event.payload as Payload;
  const repo = p.repository?.full_name;
  if (repo && event.name === "push" && p.ref && p.after) return `head/${repo}/${p.ref}/${p.after}`;
  if (repo && event.name === "check_suite" && p.action === "requested" && p.check_suite?.head_sha)
    return `head/${repo}/refs/heads/${p.check_suite.head_branch ?? ""}/${p.check_suite.head_sha}`;
  const pr = p.pull_request;
  if (repo && event.name === "pull_request" && pr?.number && pr.head?.sha)
    return `pr/${repo}/${pr.number}/${pr.head.sha}`;
  // BullMQ keeps ':' for its own keys.
  return `delivery/${event.id.replaceAll(":", "_")}`;
}
