import nock from "nock";
import { Probot, type Context } from "probot";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { resilientOctokit } from "../src/app/octokit.js";
import { isWrite } from "../src/app/request-spacing.js";
import { blobQuery, graphqlBlobReader } from "../src/sources/github-blobs.js";
import { PRIVATE_KEY } from "./github/fake-github.js";
import { graphqlProblems } from "./github/graphql.js";
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

type EventClient = Context<"push">["octokit"];

/** A Probot whose push handler reads the repository, then sends what `send` sends, all at once. */
async function probotSending(send: (octokit: EventClient, i: number) => Promise<unknown>, count: number) {
  const probot = new Probot({ appId: 1, privateKey: PRIVATE_KEY, Octokit: AppOctokit, log: suiteLog() });
  probot.on("push", async (context) => {
    // A read first, so the installation's token is in hand before the writes are timed.
    await context.octokit.rest.repos.get(context.repo());
    await Promise.all(Array.from({ length: count }, (_, i) => send(context.octokit, i)));
  });
  return probot;
}

/** A Probot whose push handler reads the repository, then creates `writes` check runs at once. */
const probotWriting = (writes: number) =>
  probotSending(
    (octokit, i) =>
      octokit.rest.checks.create({
        owner: "learner",
        repo: "taxi-mlops",
        name: `w${i}`,
        head_sha: "a".repeat(40),
      }),
    writes,
  );

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

/** Records when each GraphQL request arrived, answering a batched blob read (validated) or a mutation. */
function graphqlArriving(count: number) {
  const arrived: number[] = [];
  api()
    .post("/graphql")
    .times(count)
    .reply((_uri, body) => {
      arrived.push(performance.now());
      const { query } = body as { query: string };
      if (query.startsWith("mutation")) return [200, { data: { addComment: { clientMutationId: null } } }];
      const problems = graphqlProblems(body);
      if (problems.length) return [400, { message: problems.join("; ") }];
      return [200, { data: { repository: { b0: null } } }];
    });
  return arrived;
}

// GitHub has the app send no mutation; this one stands for any, and the test GitHub does not run it.
const MUTATION = 'mutation { addComment(input: {subjectId: "I_1", body: "hi"}) { clientMutationId } }';

describe("what takes a write slot", () => {
  it("counts REST writes and GraphQL mutations, not reads or GraphQL queries", () => {
    const graphql = (query: unknown, url = "/graphql") => ({ method: "POST", url, query });
    expect(isWrite({ method: "POST", url: "/repos/o/r/check-runs" })).toBe(true);
    expect(isWrite({ method: "PATCH", url: "https://api.github.com/repos/o/r/check-runs/1" })).toBe(true);
    expect(isWrite({ method: "DELETE", url: "/repos/o/r/git/refs/heads/x" })).toBe(true);
    expect(isWrite({ method: "GET", url: "/repos/o/r/contents/a" })).toBe(false);
    expect(isWrite({ method: "HEAD", url: "/repos/o/r" })).toBe(false);
    expect(isWrite(graphql(blobQuery(2)))).toBe(false);
    expect(isWrite(graphql("{ viewer { login } }"))).toBe(false);
    expect(isWrite(graphql(blobQuery(1), "https://ghe.example/api/graphql"))).toBe(false);
    expect(isWrite(graphql(MUTATION))).toBe(true);
    expect(isWrite(graphql(MUTATION, "https://ghe.example/api/graphql"))).toBe(true);
    // A document holding a query and a mutation runs whichever it names: it may write.
    expect(
      isWrite(
        graphql(`
          query A {
            viewer {
              login
            }
          }
          ${MUTATION.replace("mutation", "mutation B")}
        `),
      ),
    ).toBe(true);
    expect(isWrite(graphql("subscription { x }"))).toBe(true);
    // What cannot be read as GraphQL is spaced, never guessed to be a read.
    expect(isWrite(graphql("query { unclosed"))).toBe(true);
    expect(isWrite(graphql(undefined))).toBe(true);
  });

  it("lets an installation's GraphQL queries through at once, and spaces its mutations", async () => {
    tokenFor(31);
    const reads = graphqlArriving(3);
    const reading = await probotSending(
      (octokit) => graphqlBlobReader(octokit, "learner", "taxi-mlops")(["b".repeat(40)]),
      3,
    );
    await receivePush(reading, 31);
    // Taking write slots, the third read would come two seconds after the first.
    expect(reads[2] - reads[0]).toBeLessThan(1000);

    tokenFor(32);
    const mutations = graphqlArriving(3);
    const mutating = await probotSending((octokit) => octokit.graphql(MUTATION), 3);
    await receivePush(mutating, 32);
    expect(mutations[2] - mutations[0]).toBeGreaterThan(1000);
  });

  it("does not hold a read back behind an installation's write", async () => {
    tokenFor(33);
    const writes = writesArriving(2);
    const reads = graphqlArriving(1);
    const probot = await probotSending(
      (octokit, i) =>
        i < 2
          ? octokit.rest.checks.create({
              owner: "learner",
              repo: "taxi-mlops",
              name: `w${i}`,
              head_sha: "a".repeat(40),
            })
          : graphqlBlobReader(octokit, "learner", "taxi-mlops")(["b".repeat(40)]),
      3,
    );
    await receivePush(probot, 33);
    // The second write waits its second; the read sent with them does not wait for either.
    expect(writes[1].at - writes[0].at).toBeGreaterThan(900);
    expect(reads[0] - writes[0].at).toBeLessThan(500);
  });
});
