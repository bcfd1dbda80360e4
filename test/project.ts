// The project's own files for tests, found from this file's location (never from the working directory).
import { fileURLToPath } from "node:url";

/** The absolute path of a file of the repository, e.g. projectFile("fixtures/seed-three-neurons.json"). */
export function projectFile(path: string): string {
  return fileURLToPath(new URL(`../${path}`, import.meta.url));
}
