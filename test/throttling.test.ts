import nock from "nock";
import { Probot } from "probot";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { resilientOctokit } from "../src/app/octokit.js";
import { PRIVATE_KEY } from "./github/fake-github.js";
import { pushEvent } from "./github/probot.js";
import { suiteLog } from "./github/suite-log.js";

/**
 * GitHub asks for a second between writes of one installation; the throttling plugin keeps that gap per
 * client key. These tests give Probot's event clients (`context.octokit`) the app's production Octokit and
 * see when the writes arrive. The limiter guarantees its gaps, so a shared limiter cannot pass the first test.
 */
const AppOctokit = resilientOctokit({ unitMs: 1, maxWaitSeconds: 60 });
const api = () => nock("https://api.github.com");

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

/** A Probot whose push handler reads the repository, then creates `writes` check runs at once. */
async function probotWriting(writes: number) {
  const probot = new Probot({ appId: 1, privateKey: PRIVATE_KEY, Octokit: AppOctokit, log: suiteLog() });
  probot.on("push", async (context) => {
    // A read first, so the installation's token is in hand before the writes are timed.
    await context.octokit.rest.repos.get(context.repo());
    await Promise.all(
      Array.from({ length: writes }, (_, i) =>
        context.octokit.rest.checks.create({ ...context.repo(), name: `w${i}`, head_sha: "a".repeat(40) }),
      ),
    );
  });
  return probot;
}

function tokenFor(installation: number) {
  api()
    .post(`/app/installations/${installation}/access_tokens`)
    .reply(201, { token: `token-${installation}`, expires_at: "2099-01-01T00:00:00Z" });
  api().get("/repos/learner/taxi-mlops").reply(200, {});
}

const installationOf = (authorization: string | string[] | undefined) =>
  Number(String(authorization).replace(/^token token-/, ""));

/** Records which installation each check-run write came from, and when. */
function writesArriving(count: number) {
  const arrived: { installation: number; at: number }[] = [];
  api()
    .post("/repos/learner/taxi-mlops/check-runs")
    .times(count)
    .reply(function () {
      arrived.push({ installation: installationOf(this.req.headers.authorization), at: performance.now() });
      return [201, { id: arrived.length }];
    });
  return arrived;
}

const receivePush = (probot: Probot, installation: number) =>
  probot.receive(pushEvent(`push-${installation}`, "a".repeat(40), { installation: { id: installation } }));

describe("write throttling of event clients", () => {
  // Arrival times carry the machine's stalls, so each test compares spreads a whole second apart.
  it("lets different installations write without waiting for each other", async () => {
    const installations = [11, 12, 13, 14];
    installations.forEach(tokenFor);
    const arrived = writesArriving(4);
    const probot = await probotWriting(1);
    await Promise.all(installations.map((id) => receivePush(probot, id)));
    expect(arrived.map((w) => w.installation).sort()).toEqual(installations);
    // Sharing one limiter, the last of the four writes would come three seconds after the first.
    expect(arrived[3].at - arrived[0].at).toBeLessThan(1500);
  });

  it("keeps a second between one installation's writes", async () => {
    tokenFor(21);
    const arrived = writesArriving(3);
    const probot = await probotWriting(3);
    await receivePush(probot, 21);
    expect(arrived.map((w) => w.installation)).toEqual([21, 21, 21]);
    // Two seconds from the first to the last; unthrottled, all three would come at once.
    expect(arrived[2].at - arrived[0].at).toBeGreaterThan(1000);
  });
});
