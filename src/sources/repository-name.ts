/** GitHub's public addresses: the REST API, and the host serving file text by path at a commit. */
export const GITHUB_API = "https://api.github.com";
export const GITHUB_RAW = "https://raw.githubusercontent.com";

/** A repository named on the command line: `OWNER/REPO[@REF]` or its github.com address. */
export interface RepositoryName {
  owner: string;
  repo: string;
  ref?: string;
}

const NAME = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})";
const REPO = "[A-Za-z0-9._-]{1,100}";
const SHORT = new RegExp(`^(${NAME})/(${REPO})(?:@(.+))?$`);
const URL_FORM = new RegExp(`^https?://[^/]+/(${NAME})/(${REPO}?)(?:\\.git)?(?:/tree/(.+?))?/?$`);

/** The repository an argument names, or undefined when it is not written as one. */
export function parseRepositoryName(arg: string): RepositoryName | undefined {
  const m = SHORT.exec(arg) ?? URL_FORM.exec(arg);
  if (!m || m[2] === "." || m[2] === "..") return undefined;
  const repo = m[2].replace(/\.git$/, "");
  return { owner: m[1], repo, ...(m[3] ? { ref: m[3] } : {}) };
}
