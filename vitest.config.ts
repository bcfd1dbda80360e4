// vitest configuration: tests live in test/, mirroring src/ folder by folder.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Every property test runs with one fixed seed (FC_SEED overrides it; `npm run fuzz` uses random seeds).
    setupFiles: ["test/fast-check-seed.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Commands default to one worker thread per core; tests run in this thread unless they pass --workers
    // (test/regions/workers.test.ts and the shard tests exercise the threads). Threads start with the run, also
    // on the tiny nets of tests (by default they start only when a run is long enough to pay for them:
    // test/regions/thread-start.test.ts tests that rule).
    env: { TESSERA_WORKERS: "1", TESSERA_THREAD_START: "at-once" },
  },
});
