import { Worker } from "node:worker_threads";
import type { AuditInput } from "../engine/audit.js";
import type { ReadFiles } from "../engine/facts/index.js";
import type { Judged } from "../fix/index.js";

/** What a thread needs besides the files: the rules it loads itself. */
export type JudgeInput = Omit<AuditInput, "catalogue" | "maxFileBytes" | "concurrency" | "progress">;
export interface JudgeRequest {
  files: ReadFiles;
  input: JudgeInput;
}
/** A thread judges one request at a time, so a reply needs no id: it answers the thread's job in hand. */
export type JudgeReply = Judged | { error: string };

interface Job {
  request: JudgeRequest;
  resolve: (judged: Judged) => void;
  reject: (e: Error) => void;
}

/**
 * The heap one engine thread may use. The largest tree GitHub returns (100,000 entries) peaks near 250 MB
 * for the whole process; a tree that needs far more is hostile or broken, and should cost one thread
 * (replaced) and one failed audit, not the app.
 */
export const ENGINE_THREAD_HEAP_MB = 1024;

/**
 * Starts one engine thread. From the TypeScript sources (tests, `tsx`) the thread registers tsx before
 * loading its module; the built app loads the compiled module directly.
 */
function startThread(heapMb: number): Worker {
  const self = import.meta.url;
  const options = { resourceLimits: { maxOldGenerationSizeMb: heapMb } };
  if (!self.endsWith(".ts")) return new Worker(new URL("./engine-thread.js", self), options);
  const module = JSON.stringify(new URL("./engine-thread.ts", self).href);
  return new Worker(
    `import("tsx/esm/api").then(({ register }) => { register(); return import(${module}); });`,
    { ...options, eval: true },
  );
}

/**
 * Judges read files on worker threads. Building facts and judging rules is synchronous work (tens to
 * hundreds of milliseconds for a real repository); on the main thread it delayed every webhook that
 * arrived meanwhile. Each thread judges one tree at a time; the rest wait here. A thread that dies fails
 * its job with the reason and is replaced.
 */
export class EngineThreads {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly waiting: Job[] = [];
  private closed = false;

  constructor(
    size: number,
    private readonly heapMb = ENGINE_THREAD_HEAP_MB,
  ) {
    for (let i = 0; i < size; i++) this.add();
  }

  judge(files: ReadFiles, input: JudgeInput): Promise<Judged> {
    if (this.closed) return Promise.reject(new Error("the engine threads are closed"));
    return new Promise((resolve, reject) => {
      this.waiting.push({ request: { files, input }, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.waiting.splice(0)) job.reject(new Error("the engine threads are closed"));
    for (const job of this.busy.values()) job.reject(new Error("the engine threads are closed"));
    const all = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    this.busy.clear();
    await Promise.all(all.map((w) => w.terminate()));
  }

  private add(): void {
    const worker = startThread(this.heapMb);
    worker.on("message", (reply: JudgeReply) => {
      const job = this.busy.get(worker);
      if (!job) return;
      this.busy.delete(worker);
      if ("card" in reply) job.resolve(reply);
      else job.reject(new Error(`the engine failed: ${reply.error}`));
      this.idle.push(worker);
      this.dispatch();
    });
    worker.on("error", (e) => this.lost(worker, e.message));
    worker.on("exit", (code) => this.lost(worker, `exited with code ${code}`));
    this.idle.push(worker);
  }

  /**
   * A thread that errored or exited: its job fails with the reason (which the audit's check run shows), and
   * a new thread takes its place.
   */
  private lost(worker: Worker, reason: string): void {
    const wasIdle = this.idle.indexOf(worker);
    if (wasIdle !== -1) this.idle.splice(wasIdle, 1);
    const job = this.busy.get(worker);
    if (!job && wasIdle === -1) return;
    this.busy.delete(worker);
    if (this.closed) return;
    job?.reject(new Error(`the engine thread stopped: ${reason}`));
    this.add();
    this.dispatch();
  }

  private dispatch(): void {
    while (this.idle.length && this.waiting.length) {
      const worker = this.idle.pop()!;
      const job = this.waiting.shift()!;
      this.busy.set(worker, job);
      worker.postMessage(job.request);
    }
  }
}
