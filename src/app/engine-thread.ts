import { parentPort } from "node:worker_threads";
import { judgeWithFixes } from "../fix/index.js";
import { loadCatalogue } from "../rules/load.js";
import type { JudgeRequest, JudgeReply } from "./engine-threads.js";

// One engine thread: the same rules as the main thread (read from the same files), judging one tree at a time.
const catalogue = loadCatalogue();

parentPort!.on("message", ({ files, input }: JudgeRequest) => {
  let reply: JudgeReply;
  try {
    reply = judgeWithFixes(files, { ...input, catalogue });
  } catch (e) {
    reply = { error: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply);
});
