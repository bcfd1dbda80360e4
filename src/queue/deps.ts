// The queue's two packages (BullMQ and ioredis) as one module. The CLI bundle (scripts/build-cli.mjs) keeps them
// out of dist/bundle/tessera.cjs, which every command loads, and bundles them into dist/bundle/queue-deps.cjs,
// which only `--queue` runs and `tessera worker` load: one file instead of ~300 modules of node_modules to
// resolve and read (about a third of the ~0.4 s they took to load). The sources of src/queue import the
// packages by name, and the library (dist/) loads them from node_modules as before.
export { Queue, UnrecoverableError, Worker } from "bullmq";
export { Redis } from "ioredis";
