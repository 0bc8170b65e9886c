import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { Probot, ProbotOctokit, Server } from "probot";
import mlopsAudit, { createState, type Role } from "../../src/app/index.js";
import type { AppState } from "../../src/app/auditor.js";
import { INSTALLATION_ID, PRIVATE_KEY } from "./fake-github.js";
import { suiteLog } from "./suite-log.js";

const require = createRequire(import.meta.url);
type Example = { name: string; examples: Record<string, unknown>[] };
const examples = JSON.parse(
  readFileSync(require.resolve("@octokit/webhooks-examples/api.github.com/index.json"), "utf8"),
) as Example[];

/** Retries and throttling off (the function form: the object form leaves throttling on). */
export const TestOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { enabled: false },
}));

export async function testProbot(
  state: AppState = createState(),
  log = suiteLog(),
  Octokit: typeof ProbotOctokit = TestOctokit,
) {
  const probot = new Probot({ appId: 1, privateKey: PRIVATE_KEY, Octokit, log });
  await probot.load((app, options) => mlopsAudit(app, options, state));
  // Handlers finish after the webhook is acknowledged; a test's receive waits for that work too.
  const receive = async (event: Parameters<Probot["receive"]>[0]) => {
    await probot.receive(event);
    await state.background.idle();
  };
  return { probot: { receive }, state };
}

type Json = Record<string, unknown>;

function merge(base: Json, patch: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(patch))
    out[k] =
      v && typeof v === "object" && !Array.isArray(v) && base[k] && typeof base[k] === "object"
        ? merge(base[k] as Json, v as Json)
        : v;
  return out;
}

/**
 * A real payload from GitHub's published examples, moved to the test repository and installation:
 * the first example of that event and action, with `patch` merged in.
 */
export function payload(
  name: string,
  action: string | undefined,
  patch: Json = {},
  owner = "learner",
  repo = "taxi-mlops",
) {
  const example = examples
    .find((e) => e.name === name)
    ?.examples.find((x) => (action ? x.action === action : true));
  if (!example) throw new Error(`no example of ${name}.${action}`);
  const repository = example.repository as Json;
  return merge(example, {
    installation: { id: INSTALLATION_ID, node_id: "I" },
    repository: {
      name: repo,
      full_name: `${owner}/${repo}`,
      owner: { ...(repository.owner as Json), login: owner },
      html_url: `https://github.com/${owner}/${repo}`,
      default_branch: "main",
    },
    sender: { login: "learner", type: "User", id: 1 },
    ...patch,
  });
}

/** A push webhook to the default branch, as `probot.receive` takes it; `patch` changes the payload. */
export function pushEvent(id: string, sha: string, patch: Json = {}) {
  return {
    id,
    name: "push" as const,
    payload: payload("push", undefined, {
      ref: "refs/heads/main",
      after: sha,
      deleted: false,
      ...patch,
    }) as never,
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The app behind Probot's real HTTP server on a free local port; returns the server and its origin. */
export async function startTestServer(
  state: AppState,
  secret: string,
  log = suiteLog(),
  { role, Octokit = TestOctokit }: { role?: Role; Octokit?: typeof ProbotOctokit } = {},
): Promise<{ server: Server; origin: string }> {
  const port = await freePort();
  const server = new Server({
    Probot: Probot.defaults({ appId: 1, privateKey: PRIVATE_KEY, secret, Octokit, log }),
    host: "127.0.0.1",
    port,
    log,
  });
  await server.load((app, options) => mlopsAudit(app, options, state, role));
  await server.start();
  return { server, origin: `http://127.0.0.1:${port}` };
}

/** Sends a webhook to a running server as GitHub does: JSON, signed with the secret, with its delivery id. */
export function deliverSigned(
  origin: string,
  secret: string,
  event: { id: string; name: string; payload: unknown },
): Promise<Response> {
  const body = JSON.stringify(event.payload);
  return fetch(`${origin}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": event.name,
      "x-github-delivery": event.id,
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
    },
    body,
  });
}
