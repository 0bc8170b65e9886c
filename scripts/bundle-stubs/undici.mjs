// What the Action's bundle uses in place of undici. @actions/http-client imports undici's ProxyAgent only to
// build a proxy dispatcher for its own HttpClient requests; the Action makes none (GitHub is reached through
// Octokit and Node's fetch), yet undici alone would be a third of the committed bundle.
export class ProxyAgent {
  constructor() {
    throw new Error("the mlops-audit Action makes no HttpClient requests, so it bundles no proxy dispatcher");
  }
}
