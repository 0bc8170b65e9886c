import { describe, expect, it } from "vitest";
import { openApiProblems } from "./github/openapi.js";

/** The validator every app test relies on must itself tell a good request from a bad one. */
describe("request validation against GitHub's OpenAPI description", () => {
  it("accepts a valid check-run update and a contents read with its declared query", () => {
    expect(
      openApiProblems({
        method: "PATCH",
        url: "/repos/a/b/check-runs/5",
        body: { status: "completed", conclusion: "success", output: { title: "t", summary: "s" } },
      }),
    ).toEqual([]);
    expect(
      openApiProblems({ method: "GET", url: "/repos/a/b/contents/.github%2Fmlops-audit.yml?ref=main" }),
    ).toEqual([]);
  });

  it.each([
    ["an unknown path", { method: "POST", url: "/repos/a/b/nothing" }, /not an operation/],
    ["a method the path lacks", { method: "DELETE", url: "/repos/a/b/git/trees/abc" }, /not an operation/],
    [
      "an undeclared query parameter",
      { method: "GET", url: "/repos/a/b/git/trees/abc?recursiv=1" },
      /recursiv/,
    ],
    [
      "a body value outside its enum",
      { method: "PATCH", url: "/repos/a/b/check-runs/5", body: { status: "done" } },
      /checks\/update: body/,
    ],
    [
      "an annotation without its required fields",
      {
        method: "PATCH",
        url: "/repos/a/b/check-runs/5",
        body: { output: { title: "t", summary: "s", annotations: [{}] } },
      },
      /annotations\/0/,
    ],
  ])("refuses %s", (_name, request, problem) => {
    expect(openApiProblems(request).join("\n")).toMatch(problem);
  });
});
