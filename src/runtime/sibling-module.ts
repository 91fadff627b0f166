// A module that another process or thread is started on (the spawner's helper,
// PGlite's thread), found beside the module that starts it. Compiled, it is plain
// .js. Run from source it is .ts and needs a loader: tsx's CommonJS hook, which
// transpiles in-thread (tsx's ESM loader keeps a worker thread of its own, which
// made the spawner's helper, and every fork from it, ~30 % dearer).
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

export interface SiblingModule {
  path: string;
  /** tsx's CommonJS hook, to require before `path` when it is TypeScript source; undefined when compiled. */
  tsxHook: string | undefined;
}

/** The module `name` beside the one at `from` (its import.meta.url). From source without tsx installed, throws. */
export function siblingModule(from: string, name: string): SiblingModule {
  const fromSource = from.endsWith(".ts");
  const path = fileURLToPath(new URL(`./${name}${fromSource ? ".ts" : ".js"}`, from));
  return { path, tsxHook: fromSource ? createRequire(from).resolve("tsx/cjs") : undefined };
}

/** A thread started on the module `name` beside the one at `from`, compiled or from source. */
export function siblingWorker(from: string, name: string, workerData: unknown): Worker {
  const { path, tsxHook } = siblingModule(from, name);
  if (!tsxHook) return new Worker(path, { workerData });
  return new Worker(`require(${JSON.stringify(tsxHook)}); require(${JSON.stringify(path)});`, { eval: true, workerData });
}
