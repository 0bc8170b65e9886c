import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./probot.js";

/**
 * `npm run worker` as its own process, from the sources, with `env` added to this one's; resolves once
 * it takes jobs. `output()` is what it has printed so far.
 */
export async function startWorkerProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/app/worker.ts"], {
    // Info level in JSON: the readiness line, and one "audited" line per audit, are read from it.
    env: { ...process.env, LOG_LEVEL: "info", LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  // Loading the app takes a few seconds, more on a busy machine.
  await outputOf(child, /worker ready/, 60_000).catch((e: unknown) => {
    stop();
    throw e;
  });
  return { child, output: () => output, stop };
}

/**
 * The web process as `npm start` runs it (src/app/main.ts), from the sources, on `port`; resolves once it
 * listens. `output()` is what it has printed so far; `exited` resolves with its exit code.
 */
export async function startWebProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/app/main.ts"], {
    env: { ...process.env, LOG_LEVEL: "info", LOG_FORMAT: "json", HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  await outputOf(child, /Listening on/, 60_000).catch((e: unknown) => {
    stop();
    throw e;
  });
  return { child, output: () => output, exited, stop };
}

/** Polls until `ready` holds; the tests wait on other processes. */
export async function until(ready: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether Debian's `redis-server` is installed (CI installs it; a laptop may not have it). */
export const hasRedisServer = spawnSync("redis-server", ["--version"]).status === 0;

/**
 * Whether the tests against a real Redis are skipped: without `redis-server`, unless CI requires them (there
 * they fail instead). Said once, in one line, where a test file first asks.
 */
export const skipRedisTests = !hasRedisServer && process.env.MLOPS_AUDIT_REDIS_TESTS !== "required";
if (skipRedisTests)
  console.warn(
    "redis-server is not installed, so the tests against a real Redis (test/redis-*.test.ts) are skipped.",
  );

/** Wait for `pattern` in a child's output, or fail with what it printed. */
export function outputOf(child: ChildProcess, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  let seen = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${pattern}:\n${seen}`)),
      timeoutMs,
    );
    const read = (chunk: Buffer) => {
      seen += chunk.toString();
      if (!pattern.test(seen)) return;
      clearTimeout(timer);
      child.stdout?.off("data", read);
      resolve(seen);
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", (chunk: Buffer) => (seen += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`exited (${code}) before ${pattern}:\n${seen}`)));
  });
}

/**
 * A real Redis on a free local port, with its append-only file in a temporary folder, so a stop and a
 * start on the same port and folder keep the queue as a restarted production Redis would.
 */
export class RedisServer {
  private child?: ChildProcess;
  readonly dir = mkdtempSync(join(tmpdir(), "mlops-audit-redis-"));

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    const child = spawn("redis-server", [
      ...["--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.dir],
      ...["--appendonly", "yes", "--save", "", "--protected-mode", "no"],
    ]);
    this.child = child;
    await outputOf(child, /Ready to accept connections/);
  }

  /** SIGTERM, as an orchestrator stops it: Redis writes its append-only file and exits. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise((resolve) => {
      child.once("exit", resolve);
      child.kill("SIGTERM");
    });
  }
}
