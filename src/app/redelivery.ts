import type { Logger } from "pino";
import { describeError } from "../sources/github.js";
import type { Octokit } from "./github.js";
import type { Metrics } from "./metrics.js";

/**
 * GitHub does not redeliver a failed webhook by itself: it recommends that an app list its recent
 * deliveries and ask for each failed one again. So a push that arrives while the web process is down (a
 * deploy, a crash) is recovered here, at start-up and then every few minutes.
 *
 * Two kinds of delivery are asked for again, once per delivery GUID:
 * - those no attempt of which succeeded (the process was down, or refused them while shutting down);
 * - with a queue, those acknowledged but never written to it: the process stopped while Redis was away.
 *   The queue remembers every delivery it wrote (`received`), so these are found by their absence, once
 *   they are old enough (`settleMs`) that a write in hand cannot still be on its way.
 * The queue's job keys keep a redelivery that races the original from auditing twice.
 */

/** One attempt of one delivery, as `GET /app/hook/deliveries` lists it. */
export interface DeliveryAttempt {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  status_code: number;
  event: string;
  action?: string | null;
}

/** What the sweep remembers between runs and shares between processes. */
export interface RedeliveryStore {
  /** Takes the lock that lets one process sweep at a time; false when another process holds it. */
  lock(ttlMs: number): Promise<boolean>;
  unlock(): Promise<void>;
  lastSweep(): Promise<number | undefined>;
  setLastSweep(at: number): Promise<void>;
  /** The GUIDs among these that a sweep already asked GitHub to redeliver. */
  redelivered(guids: string[]): Promise<Set<string>>;
  markRedelivered(guid: string): Promise<void>;
  /** With a queue: the GUIDs among these that reached it. Without one, every acknowledged delivery did. */
  received?(guids: string[]): Promise<Set<string>>;
}

export interface SweepOptions {
  /** How far back to look at most. */
  windowMs: number;
  /** How old an acknowledged delivery must be before its absence from the queue means it was lost. */
  settleMs: number;
  log: Logger;
  metrics?: Metrics;
  now?: number;
}

export interface SweepResult {
  /** Another process held the lock. */
  skipped?: true;
  listed: number;
  redelivered: string[];
  failed: string[];
}

const succeeded = (a: DeliveryAttempt) => a.status_code >= 200 && a.status_code < 300;
/** A sweep looks back this much before the last one, for attempts GitHub recorded late. */
const OVERLAP_MS = 15 * 60_000;

/** The deliveries since `since`, newest first, each GUID with all its attempts. */
async function recentDeliveries(octokit: Octokit, since: number) {
  const byGuid = new Map<string, DeliveryAttempt[]>();
  let listed = 0;
  for await (const page of octokit.paginate.iterator("GET /app/hook/deliveries", { per_page: 100 })) {
    const attempts = page.data as DeliveryAttempt[];
    let older = false;
    for (const attempt of attempts) {
      if (Date.parse(attempt.delivered_at) < since) {
        older = true;
        continue;
      }
      listed += 1;
      byGuid.set(attempt.guid, [...(byGuid.get(attempt.guid) ?? []), attempt]);
    }
    // Newest first: a page that reaches past `since` is the last one needed.
    if (older) break;
  }
  return { byGuid, listed };
}

/** The deliveries to ask for again, each by its latest attempt. */
async function missed(
  byGuid: Map<string, DeliveryAttempt[]>,
  store: RedeliveryStore,
  now: number,
  settleMs: number,
): Promise<DeliveryAttempt[]> {
  const guids = [...byGuid.keys()];
  const [asked, reached] = await Promise.all([
    store.redelivered(guids),
    store.received ? store.received(guids) : undefined,
  ]);
  const out: DeliveryAttempt[] = [];
  for (const [guid, attempts] of byGuid) {
    if (asked.has(guid)) continue;
    const latest = attempts.reduce((a, b) =>
      Date.parse(b.delivered_at) > Date.parse(a.delivered_at) ? b : a,
    );
    const ok = attempts.some(succeeded);
    const lostAfterAck = ok && reached !== undefined && !reached.has(guid);
    const settled = now - Date.parse(latest.delivered_at) >= settleMs;
    if (!ok || (lostAfterAck && settled)) out.push(latest);
  }
  // Oldest first, so the commits of one branch are audited in the order they were pushed.
  // GitHub numbers attempts in the order it makes them, which breaks ties within a millisecond.
  return out.sort((a, b) => Date.parse(a.delivered_at) - Date.parse(b.delivered_at) || a.id - b.id);
}

/** One sweep: list what GitHub delivered since the last one, and ask again for what was missed. */
export async function sweepMissedDeliveries(
  octokit: Octokit,
  store: RedeliveryStore,
  options: SweepOptions,
): Promise<SweepResult> {
  const now = options.now ?? Date.now();
  if (!(await store.lock(5 * 60_000))) return { skipped: true, listed: 0, redelivered: [], failed: [] };
  try {
    const last = await store.lastSweep();
    const since = Math.max(now - options.windowMs, last === undefined ? 0 : last - OVERLAP_MS);
    const { byGuid, listed } = await recentDeliveries(octokit, since);
    const result: SweepResult = { listed, redelivered: [], failed: [] };
    for (const attempt of await missed(byGuid, store, now, options.settleMs)) {
      // Marked before it is asked for, so that no crash or race can ask for one delivery twice.
      await store.markRedelivered(attempt.guid);
      try {
        // Writes by the app itself: the throttling plugin spaces them within the write budget.
        await octokit.request("POST /app/hook/deliveries/{delivery_id}/attempts", {
          delivery_id: attempt.id,
        });
        result.redelivered.push(attempt.guid);
        options.metrics?.redeliveries.inc({ outcome: "requested" });
      } catch (e) {
        result.failed.push(attempt.guid);
        options.metrics?.redeliveries.inc({ outcome: "failed" });
        options.log.warn(
          { delivery: attempt.guid, event: attempt.event, reason: describeError(e) },
          "could not ask GitHub to redeliver a missed delivery",
        );
      }
    }
    await store.setLastSweep(now);
    if (result.redelivered.length || result.failed.length)
      options.log.info(
        { listed, redelivered: result.redelivered, failed: result.failed },
        "asked GitHub to redeliver missed deliveries",
      );
    return result;
  } finally {
    await store.unlock();
  }
}

/** A store for a process without Redis: the only process, so its memory is the whole deployment's. */
export class MemoryRedeliveryStore implements RedeliveryStore {
  private last?: number;
  private readonly asked = new Set<string>();
  private held = false;

  async lock(): Promise<boolean> {
    if (this.held) return false;
    this.held = true;
    return true;
  }
  async unlock(): Promise<void> {
    this.held = false;
  }
  async lastSweep(): Promise<number | undefined> {
    return this.last;
  }
  async setLastSweep(at: number): Promise<void> {
    this.last = at;
  }
  async redelivered(guids: string[]): Promise<Set<string>> {
    return new Set(guids.filter((g) => this.asked.has(g)));
  }
  async markRedelivered(guid: string): Promise<void> {
    this.asked.add(guid);
  }
}

export interface SweepSchedule extends Omit<SweepOptions, "now"> {
  /** The app's own client (a JWT, not an installation token): `app.auth()`. */
  appOctokit: () => Promise<Octokit>;
  store: RedeliveryStore;
  /** The first sweep, soon after start-up; then one every `intervalMs`. */
  firstAfterMs: number;
  intervalMs: number;
}

/** Sweeps at start-up and then periodically; `stop()` ends the schedule and waits for a sweep in hand. */
export function scheduleSweeps(schedule: SweepSchedule) {
  let running: Promise<unknown> | undefined;
  const sweep = () => {
    // A sweep still waiting (for Redis, say) is not joined by another.
    if (running) return;
    running = (async () => {
      try {
        await sweepMissedDeliveries(await schedule.appOctokit(), schedule.store, schedule);
      } catch (e) {
        schedule.log.warn(
          { reason: describeError(e) },
          "the sweep for missed deliveries failed; next one later",
        );
      }
    })();
  };
  const first = setTimeout(sweep, schedule.firstAfterMs);
  const every = setInterval(sweep, schedule.intervalMs);
  first.unref();
  every.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
