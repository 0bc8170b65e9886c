import type { Context } from "probot";
import { auditCommit, type AppState } from "../auditor.js";
import { CHECK_NAME } from "../publish/check-run.js";
import { commitJob } from "./job.js";

type RerunContext = Context<"check_run.rerequested" | "check_suite.rerequested">;

/** GitHub's "Re-run" in the checks tab: a new check run for that commit. */
export function onRerun(state: AppState) {
  return async (context: RerunContext) => {
    const p = context.payload;
    if ("check_run" in p && p.check_run.name !== CHECK_NAME) return;
    const sha = "check_run" in p ? p.check_run.head_sha : p.check_suite.head_sha;
    await auditCommit(
      state,
      await commitJob(context, state, { sha, trigger: "rerequest", rerun: true, needScorecard: false }),
    );
  };
}
