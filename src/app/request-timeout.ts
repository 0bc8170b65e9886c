/** How long one GitHub request may take before it is given up: a hung response must not hold a queue slot. */
export const GITHUB_TIMEOUT_MS = Number(process.env.MLOPS_AUDIT_GITHUB_TIMEOUT_MS) || 30_000;

type Hookable = {
  hook: { before: (name: "request", fn: (options: { request?: { signal?: AbortSignal } }) => void) => void };
};

const limited = new WeakSet<object>();

/** Gives every request of this client a deadline, once per client. */
export function withRequestTimeout(octokit: Hookable, ms = GITHUB_TIMEOUT_MS): void {
  if (limited.has(octokit)) return;
  limited.add(octokit);
  octokit.hook.before("request", (options) => {
    options.request = { ...options.request, signal: options.request?.signal ?? AbortSignal.timeout(ms) };
  });
}
