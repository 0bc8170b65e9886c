import { createHmac } from "node:crypto";
import nock from "nock";
import type { Server } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertWebhookSecret, createState } from "../src/app/index.js";
import { FakeGitHub, filesOf } from "./github/fake-github.js";
import { payload, startTestServer } from "./github/probot.js";
import { NEVER_LOGGED } from "./github/suite-log.js";

const SECRET = NEVER_LOGGED.webhookSecret;
const SHA = "f".repeat(40);

let server: Server;
let base: string;
// As in production: rules are judged on an engine thread, off the thread that answers webhooks.
const state = createState(undefined, 1);
// A fresh engine thread makes the first audit slow on a busy machine; when a run shows in progress is
// app-push's subject, so here the result is always written in one request.
state.inProgressAfterMs = 60_000;
beforeAll(async () => {
  ({ server, origin: base } = await startTestServer(state, SECRET));
});
afterAll(async () => {
  await server.stop();
  await state.engine?.close();
  nock.cleanAll();
});

function deliver(body: string, signature: string, id: string) {
  return fetch(`${base}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "push",
      "x-github-delivery": id,
      "x-hub-signature-256": signature,
    },
    body,
  });
}

const sign = (body: string) => `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;

describe("the app behind its real HTTP server", () => {
  it("takes a signed push webhook and completes one check run", async () => {
    nock.cleanAll();
    const github = new FakeGitHub();
    nock.enableNetConnect("127.0.0.1");
    github.token().noOrgConfig().checkRuns(SHA).commit(SHA, filesOf("fixtures/repos/complete"));
    github.checkRun(21);
    const body = JSON.stringify(
      payload("push", undefined, { ref: "refs/heads/main", after: SHA, deleted: false }),
    );
    const res = await deliver(body, sign(body), "e2e-1");
    expect(res.status).toBe(200);
    // Acknowledged before the audit: the check run is not complete yet when GitHub gets its answer.
    expect(github.completions()).toEqual([]);
    await state.background.idle();
    expect(nock.pendingMocks()).toEqual([]);
    const [done] = github.completions() as {
      conclusion: string;
      output: { title: string };
    }[];
    expect(done.output.title).toBe("Readiness 100/100 · A · Level 2");
    expect(done.conclusion).toBe("success");
    expect(github.problems()).toEqual([]);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('mlops_audit_audits_total{trigger="push",conclusion="success"} 1');
    // The installation token and the check run, created complete.
    expect(metrics).toMatch(/mlops_audit_github_requests_total\{method="POST",status="201"\} 2/);
    expect(metrics).toMatch(/mlops_audit_blob_cache_misses_total \d+/);
    expect(metrics).toContain("mlops_audit_duration_seconds_bucket");
    expect(metrics).toContain("mlops_audit_queue_depth 0");
  });

  it("rejects a webhook whose signature is wrong, and calls GitHub for nothing", async () => {
    nock.cleanAll();
    const github = new FakeGitHub();
    nock.enableNetConnect("127.0.0.1");
    const body = JSON.stringify(payload("push", undefined, { ref: "refs/heads/main", after: SHA }));
    const res = await deliver(body, `sha256=${"0".repeat(64)}`, "e2e-2");
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const unsigned = await deliver(body, "", "e2e-3");
    expect(unsigned.status).toBeGreaterThanOrEqual(400);
    expect(github.requests).toEqual([]);
  });

  it("answers /healthz", async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok\n");
  });

  it("refuses to start in production without a webhook secret", () => {
    expect(() => assertWebhookSecret({ NODE_ENV: "production" })).toThrow(/WEBHOOK_SECRET is not set/);
    expect(() => assertWebhookSecret({ NODE_ENV: "production", WEBHOOK_SECRET: "s" })).not.toThrow();
    expect(() => assertWebhookSecret({ NODE_ENV: "development" })).not.toThrow();
  });
});
