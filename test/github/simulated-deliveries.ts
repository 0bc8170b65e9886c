import type { DeliveryAttempt } from "../../src/app/redelivery.js";
import { openApiProblems } from "./openapi.js";
import { deliverSigned } from "./probot.js";
import type { Answer, SimulatedGitHub } from "./simulated-github.js";

interface Event {
  id: string;
  name: string;
  payload: unknown;
}

/**
 * GitHub's side of webhooks: it sends each delivery to the app's URL, records every attempt with the
 * status it got (0 when nothing answered), lists them newest first (`GET /app/hook/deliveries`, paginated
 * by cursor as GitHub does) and sends one again on request (`POST …/{id}/attempts`). It never redelivers by
 * itself, like GitHub.
 */
export class SimulatedDeliveries {
  readonly attempts: (DeliveryAttempt & { event: string })[] = [];
  private readonly events = new Map<string, Event>();
  /** The delivery ids the app asked to redeliver. */
  readonly redeliveryRequests: number[] = [];
  /** Where the app listens; deliveries fail to connect while nothing does. */
  target?: string;
  /** How many attempts a page lists at most, whatever the app asks (to make it paginate). */
  pageSize = 100;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** What GitHub's OpenAPI description found wrong with the app's requests for deliveries. */
  readonly problems: string[] = [];

  constructor(
    github: SimulatedGitHub,
    private readonly secret: string,
    private readonly apiHost: () => string,
  ) {
    github.routes.push((method, path, _body, query) => this.route(method, path, query));
  }

  /** Sends a delivery as GitHub would, and resolves with the status the app answered (0: no answer). */
  async deliver(event: Event, redelivery = false): Promise<number> {
    this.events.set(event.id, event);
    let status = 0;
    try {
      if (this.target) status = (await deliverSigned(this.target, this.secret, event)).status;
    } catch {
      status = 0;
    }
    const payload = event.payload as { action?: string };
    this.attempts.push({
      id: this.attempts.length + 1,
      guid: event.id,
      delivered_at: new Date().toISOString(),
      redelivery,
      status_code: status,
      event: event.name,
      action: payload.action ?? null,
    });
    return status;
  }

  /** The latest status of each delivery GUID. */
  latestStatus(guid: string): number | undefined {
    return this.attempts.filter((a) => a.guid === guid).at(-1)?.status_code;
  }

  /** Resolves when every redelivery GitHub was asked for has been sent. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private route(method: string, path: string, query: URLSearchParams): Answer | undefined {
    if (!path.startsWith("/app/hook/deliveries")) return undefined;
    this.problems.push(...openApiProblems({ method, url: `${path}?${query.toString()}` }));
    if (method === "GET" && path === "/app/hook/deliveries") {
      const newestFirst = [...this.attempts].reverse();
      const perPage = Math.min(Number(query.get("per_page")) || 30, this.pageSize);
      const from = Number(query.get("cursor") ?? 0);
      const page = newestFirst.slice(from, from + perPage);
      const next = from + perPage < newestFirst.length;
      const link = `<http://${this.apiHost()}/api/v3/app/hook/deliveries?per_page=${perPage}&cursor=${from + perPage}>; rel="next"`;
      return [200, page, next ? { link } : {}];
    }
    const redeliver = /^\/app\/hook\/deliveries\/(\d+)\/attempts$/.exec(path);
    if (method === "POST" && redeliver) {
      const attempt = this.attempts.find((a) => a.id === Number(redeliver[1]));
      if (!attempt) return [404, { message: "Not Found" }];
      this.redeliveryRequests.push(attempt.id);
      const sent = this.deliver(this.events.get(attempt.guid)!, true);
      this.inFlight.add(sent);
      void sent.finally(() => this.inFlight.delete(sent));
      return [202, {}];
    }
    return undefined;
  }
}
