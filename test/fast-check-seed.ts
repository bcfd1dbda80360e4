// One fixed fast-check seed for every property test of `npm test`, so a CI run is reproducible: a property that
// fails, fails on every run, and a new counterexample is found by `npm run fuzz` (random seeds, FUZZ_SECONDS) or by
// choosing another seed with FC_SEED=<integer>, never by chance on an unrelated change. A test that passes its own
// `seed` keeps it.
import fc from "fast-check";

const fuzzing = Number(process.env.FUZZ_SECONDS ?? 0) > 0;
if (!fuzzing) {
  const seed = Number(process.env.FC_SEED ?? 20261201);
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer, got ${process.env.FC_SEED}`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
}
