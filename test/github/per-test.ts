import nock from "nock";
import { afterEach, beforeEach, expect } from "vitest";
import { FakeGitHub } from "./fake-github.js";

/**
 * One fake GitHub for a test file, fresh for every test; after each test, every interceptor must have
 * been used and every request must match GitHub's OpenAPI description.
 */
export function fakeGitHubPerTest(): FakeGitHub {
  const github = new FakeGitHub();
  beforeEach(() => github.reset());
  afterEach(() => {
    expect(github.problems()).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
  });
  return github;
}
