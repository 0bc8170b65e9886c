import { payload } from "./probot.js";

/** An `issue_comment.created` delivery on issue 12 of learner/taxi-mlops, on its pull request or not. */
export function commentEvent(id: string, body: string, onPullRequest = true, login = "reviewer") {
  const repo = "/repos/learner/taxi-mlops";
  return {
    id,
    name: "issue_comment" as const,
    payload: payload("issue_comment", "created", {
      issue: {
        number: 12,
        ...(onPullRequest
          ? { pull_request: { url: `https://api.github.com${repo}/pulls/12` } }
          : { pull_request: undefined }),
      },
      comment: { id: 901, body, user: { login, type: "User" } },
      sender: { login, type: "User", id: 5 },
    }) as never,
  };
}
