import { Redis } from "ioredis";
import type { Logger } from "pino";
import { describeError } from "../../sources/github.js";
import { OutageLog } from "./outage-log.js";

/** GitHub asks that one client's writes (content-creating requests) be spaced about a second apart. */
export const WRITE_SPACING_MS = 1_000;

/** Hands out write slots, one key (an installation, or the app itself) at a time. */
export interface WriteBudget {
  /** Resolves when this key may write: the slot it reserved has come. */
  reserve(key: string): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Slots kept in this process: enough for one process, and the fallback while Redis is away. */
export class LocalWriteBudget implements WriteBudget {
  private readonly next = new Map<string, number>();

  constructor(private readonly spacingMs = WRITE_SPACING_MS) {}

  /** The wait before this key's next slot, which is reserved at once. */
  take(key: string, now = Date.now()): number {
    const slot = Math.max(now, this.next.get(key) ?? 0);
    this.next.set(key, slot + this.spacingMs);
    // Forget keys whose slots have passed, so one process with many installations does not grow for ever.
    if (this.next.size > 10_000) for (const [k, at] of this.next) if (at < now) this.next.delete(k);
    return slot - now;
  }

  async reserve(key: string): Promise<void> {
    await sleep(this.take(key));
  }

  async close(): Promise<void> {}
}

/**
 * Reserves the key's next slot on Redis's clock: the later of now and the last reservation, pushed one
 * spacing on. Every process of a deployment reserves through the same key, so together they write as one
 * client would. The key expires soon after its last slot.
 */
const RESERVE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local spacing = tonumber(ARGV[1])
redis.call('SET', KEYS[1], slot + spacing, 'PX', slot - now + spacing + 60000)
return slot - now`;

/**
 * One write budget per installation across every process of a deployment, kept in Redis. While Redis is
 * away a write is not held up for it: the process falls back to its own spacing (what one process always
 * did) and says so once per outage.
 */
export class RedisWriteBudget implements WriteBudget {
  private readonly redis: Redis;
  private readonly local: LocalWriteBudget;
  private readonly outage: OutageLog;

  constructor(
    url: string,
    log: Logger,
    private readonly spacingMs = WRITE_SPACING_MS,
  ) {
    // A reservation that Redis cannot answer within a second falls back instead of waiting for it.
    this.redis = new Redis(url, {
      maxRetriesPerRequest: 0,
      commandTimeout: 1_000,
      enableOfflineQueue: false,
    });
    this.local = new LocalWriteBudget(spacingMs);
    this.outage = new OutageLog(log, "the shared write budget");
    this.redis.on("error", (e) => this.outage.down(describeError(e)));
    this.redis.on("ready", () => this.outage.back());
  }

  async reserve(key: string): Promise<void> {
    let wait: number;
    try {
      wait = Number(await this.redis.eval(RESERVE_SLOT, 1, `mlops-audit:writes:${key}`, this.spacingMs));
    } catch (e) {
      this.outage.down(describeError(e));
      wait = this.local.take(key);
    }
    await sleep(wait);
  }

  /** Resolves once the budget is kept in Redis (until then, and while Redis is away, it is local). */
  async connected(): Promise<void> {
    if (this.redis.status !== "ready") await new Promise((resolve) => this.redis.once("ready", resolve));
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
