import { LRUCache } from "lru-cache";
import type { Probot } from "probot";
import type { Octokit } from "../github.js";
import type { PublicScorecard } from "./cache.js";

/**
 * Public audits of repositories where the app is not installed (`MLOPS_AUDIT_PUBLIC_AUDITS=true`): read
 * with the token of one of the app's own installations, which sees public repositories and nothing
 * else of anyone's; each client address may start a few audits an hour; a result is kept by commit,
 * so a repository is audited again only when its default branch moves.
 */
export interface PublicAudits {
  perHour: number;
  /** Client address → when each of its audits started, in the last hour. */
  clients: LRUCache<string, number[]>;
  /** `owner/repo@sha` → its scorecard. */
  cards: LRUCache<string, PublicScorecard>;
  /** The installation whose token reads public repositories, once found. */
  installationId?: number;
}

const HOUR_MS = 60 * 60 * 1000;

/** Off unless the environment turns it on. */
export function publicAuditsFrom(env: NodeJS.ProcessEnv): PublicAudits | undefined {
  if (env.MLOPS_AUDIT_PUBLIC_AUDITS !== "true") return undefined;
  return publicAudits(Number(env.MLOPS_AUDIT_PUBLIC_AUDITS_PER_HOUR) || 10);
}

export function publicAudits(perHour: number): PublicAudits {
  return {
    perHour,
    clients: new LRUCache({ max: 10_000, ttl: HOUR_MS }),
    cards: new LRUCache({ max: 500 }),
  };
}

/** A client that asked for more audits than an hour allows; `retryAfter` is in seconds. */
export class TooManyAudits extends Error {
  constructor(readonly retryAfter: number) {
    super("too many public audits from this address");
  }
}

/** Counts an audit against the client, or refuses it with the wait until its oldest one expires. */
export function chargeAudit(audits: PublicAudits, client: string, now = Date.now()): void {
  const recent = (audits.clients.get(client) ?? []).filter((t) => now - t < HOUR_MS);
  if (recent.length >= audits.perHour)
    throw new TooManyAudits(Math.max(1, Math.ceil((recent[0] + HOUR_MS - now) / 1000)));
  audits.clients.set(client, [...recent, now]);
}

/** A client of one of the app's installations, or nothing when the app has none. */
export async function ownInstallation(app: Probot, audits: PublicAudits): Promise<Octokit | undefined> {
  if (audits.installationId === undefined) {
    const appOctokit = await app.auth();
    const { data } = await appOctokit.rest.apps.listInstallations({ per_page: 1 });
    if (!data.length) return undefined;
    audits.installationId = data[0].id;
  }
  return (await app.auth(audits.installationId)) as Octokit;
}
