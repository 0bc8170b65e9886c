import { createState, ENGINE_THREADS } from "./index.js";
import { closeOnSignal, startWorkers } from "./queue/workers.js";
import { startOrExplain } from "./startup.js";

// `npm run worker`: audits from the Redis queue, with no HTTP server. Scale by starting more of these.
if (!process.env.REDIS_URL) {
  console.error("npm run worker needs REDIS_URL: workers take the web process's deliveries from Redis.");
  process.exit(2);
}
await startOrExplain(async () => {
  const worker = await startWorkers(createState(undefined, ENGINE_THREADS));
  closeOnSignal(() => worker.close());
});
