// Where the extra corpus suite finds the real files: the folder `shared` beside
// the checkout (not part of the repository), or CONVEYOR_SHARED; each part can
// be pointed elsewhere on its own (CONVEYOR_FIXTURES for the Task Master files,
// CONVEYOR_ARGO_SHARED for Argo's schema and Workflow objects).
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";

const checkout = fileURLToPath(new URL("../", import.meta.url));
const root = resolve(checkout, process.env.CONVEYOR_SHARED ?? "../shared");

/** The real tasks.json files (SOURCES.md says where each comes from). */
export const TASKMASTER_CORPUS = resolve(checkout, process.env.CONVEYOR_FIXTURES ?? join(root, "fixtures/taskmaster"));
/** Argo's schema.json, its examples and real Workflow status objects. */
export const ARGO_CORPUS = resolve(checkout, process.env.CONVEYOR_ARGO_SHARED ?? join(root, "argo"));

export const taskmasterCorpusFound = existsSync(TASKMASTER_CORPUS);
export const argoCorpusFound = existsSync(join(ARGO_CORPUS, "schema.json"));

/** The parts that are missing, with the path looked at. */
export function missingParts(): string[] {
  return [
    ...(taskmasterCorpusFound ? [] : [`Task Master files (${TASKMASTER_CORPUS}; CONVEYOR_FIXTURES)`]),
    ...(argoCorpusFound ? [] : [`Argo schema and objects (${join(ARGO_CORPUS, "schema.json")}; CONVEYOR_ARGO_SHARED)`]),
  ];
}

/**
 * A describe block that needs a part of the corpus: when the part is missing the
 * block is reported as skipped (global-setup.ts has said why) and `fn`, which
 * reads the files while collecting, is not called.
 */
export function describeCorpus(found: boolean, name: string, fn: () => void): void {
  if (found) describe(name, fn);
  else describe.skip(name, () => it.skip("needs the corpus", () => undefined));
}
