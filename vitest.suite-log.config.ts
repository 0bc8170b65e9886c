import { defineConfig } from "vitest/config";

// The second step of `npm test`: reads the logs the main run wrote, so it must run after it, alone.
export default defineConfig({
  test: { include: ["test/suite-log/*.check.ts"] },
});
