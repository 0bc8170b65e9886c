import type { PackageRecord, Scorecard } from "../engine/model.js";
import type { RecordsReader } from "./github-records.js";
import { unreadable } from "./github-records.js";

/** An image CI pushes to GitHub's Container Registry: `ghcr.io/OWNER/NAME`, lower-case as GHCR stores it. */
export interface PublishedImage {
  owner: string;
  name: string;
}

export const imageOf = (i: PublishedImage) => `ghcr.io/${i.owner}/${i.name}`;

/** More would be a matrix of images; the first few say whether publishing works at all. */
const MAX_IMAGES = 3;

/** The workflows a passing delivery's evidence comes from: where an image is pushed. */
function deliveryWorkflows(card: Scorecard): string[] {
  const delivery = card.rules.find((f) => f.id === "cicd.delivery");
  if (delivery?.status !== "pass") return [];
  return [...new Set(delivery.evidence.flatMap((e) => (e.workflow ? [e.workflow.path] : [])))];
}

/** The owner's ghcr.io images a passing delivery's workflows push, from the workflow text the audit read. */
export function deliveredImages(
  card: Scorecard,
  textOf: (path: string) => string | undefined,
  owner: string,
  repo: string,
): PublishedImage[] {
  return publishedImages(
    deliveryWorkflows(card).flatMap((p) => textOf(p) ?? []),
    owner,
    repo,
  );
}

/** `KEY: value` lines: a workflow's `env:` maps, at any level, as the runner would expand them. */
const ENV_LINE = /^\s*([A-Z_][A-Z0-9_]*)\s*:\s*["']?([^"'#\s][^"'#]*?)["']?\s*(?:#.*)?$/gm;
/** `${{ env.NAME }}`, `${NAME}` (also `${NAME,,}`, lower-cased by bash), `$NAME`. */
const ENV_REF =
  /\$\{\{\s*env\.([A-Z_][A-Z0-9_]*)\s*\}\}|\$\{([A-Z_][A-Z0-9_]*)(?:,,)?\}|\$([A-Z_][A-Z0-9_]*)/g;
const GHCR_REF = /ghcr\.io\/([a-z0-9][a-z0-9-]*)\/([a-z0-9][a-z0-9._/-]*)/gi;

/**
 * The ghcr.io images of the repository's owner that a workflow names, with the repository put in where the
 * workflow writes it as an expression (`${{ github.repository }}`, `$GITHUB_REPOSITORY`) or through its
 * `env:` (`${{ env.IMAGE_NAME }}`, `$IMAGE`), as GitHub's own publishing template does. A workflow's token
 * publishes to its owner's account only, so an image of another account is one it pulls. A name that
 * still holds an expression (a matrix value, a step's output) is left out: there is nothing to look up.
 */
export function publishedImages(texts: string[], owner: string, repo: string): PublishedImage[] {
  const context: [RegExp, string][] = [
    [/\$\{\{\s*github\.repository\s*\}\}|\$\{?GITHUB_REPOSITORY(?:,,)?\}?(?![A-Z_])/g, `${owner}/${repo}`],
    [/\$\{\{\s*github\.repository_owner\s*\}\}|\$\{?GITHUB_REPOSITORY_OWNER(?:,,)?\}?/g, owner],
    [/\$\{\{\s*github\.event\.repository\.name\s*\}\}/g, repo],
  ];
  const found = new Map<string, PublishedImage>();
  for (const text of texts) {
    const env = new Map<string, string>();
    for (const m of text.matchAll(ENV_LINE)) if (!env.has(m[1])) env.set(m[1], m[2].trim());
    let expanded = text;
    // Three rounds: an env value may name another (`IMAGE: ${{ env.REGISTRY }}/${{ env.NAME }}`).
    for (let round = 0; round < 3; round++) {
      for (const [pattern, value] of context) expanded = expanded.replace(pattern, value);
      expanded = expanded.replace(
        ENV_REF,
        (whole, a?: string, b?: string, c?: string) => env.get(a ?? b ?? c!) ?? whole,
      );
    }
    for (const m of expanded.matchAll(GHCR_REF)) {
      const next = expanded[m.index + m[0].length] ?? "";
      if (next === "$" || next === "{" || m[1].toLowerCase() !== owner.toLowerCase()) continue;
      const image = { owner: m[1].toLowerCase(), name: m[2].toLowerCase().replace(/[._/-]+$/, "") };
      if (found.size < MAX_IMAGES) found.set(imageOf(image), image);
    }
  }
  return [...found.values()];
}

/**
 * Whether each image has a package on GitHub. A public package needs no permission to be seen; a 401 or 403
 * says the token may not look, and a 404 of a private repository's package proves nothing (a private
 * package is invisible without the permission), so both are "could not be checked".
 */
export async function readPackages(
  reader: RecordsReader,
  images: PublishedImage[],
  repositoryPrivate: boolean,
  cache: { get(image: string): PackageRecord | undefined; set(image: string, record: PackageRecord): void },
): Promise<PackageRecord[]> {
  return Promise.all(
    images.map(async (i) => {
      const image = imageOf(i);
      const cached = cache.get(image);
      if (cached) return cached;
      let record: PackageRecord;
      try {
        record = { image, state: "exists", url: (await reader.containerPackage(i.owner, i.name)).url };
      } catch (e) {
        const status = (e as { status?: number }).status;
        if (status === 404 && !repositoryPrivate) record = { image, state: "missing" };
        else
          return {
            image,
            state: "not-checked" as const,
            reason:
              status === 404
                ? "a private package is not visible to this token"
                : status === 401 || status === 403
                  ? `the token may not read packages (HTTP ${status})`
                  : unreadable(e),
          };
      }
      cache.set(image, record);
      return record;
    }),
  );
}
