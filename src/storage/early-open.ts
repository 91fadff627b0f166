// Opening the embedded store while the command's own modules still load. A
// command spends ~0.3 s loading modules before it knows its settings, and PGlite
// about as long starting on its thread: begun from the entry point, the two
// overlap. It is a guess that the real open checks: an early open of another
// folder is closed, and a lock nobody took is let go when the process exits.
import { resolve } from "node:path";
import { lockDirectory, type DirLock } from "./dir-lock.js";
import { holdsStore } from "./pglite-seed.js";
import { PgliteThread } from "./pglite-thread/pglite-thread.js";

interface EarlyOpen {
  dir: string;
  lock: DirLock;
  thread: Promise<PgliteThread>;
}

let early: EarlyOpen | undefined;

/**
 * Starts opening the store in `dataDir` when the folder holds one already. A new store is left to
 * the real open (it makes the folder and unpacks the seed), and so is any failure: a folder in use
 * or unusable is reported there, as if this had not been tried.
 */
export function openEarly(dataDir: string): void {
  if (early || !holdsStore(dataDir)) return;
  let lock: DirLock;
  try {
    lock = lockDirectory(dataDir);
  } catch {
    return;
  }
  const thread = PgliteThread.open(dataDir);
  thread.catch(() => undefined); // seen by takeEarly, or by no one
  early = { dir: resolve(dataDir), lock, thread };
  // the last resort, should the process end without closeEarly (the entry point calls it)
  process.once("exit", () => early?.lock.release());
}

/** The store opened early in `dataDir`, now the caller's to close; undefined when there is none or it failed. */
export async function takeEarly(dataDir: string): Promise<{ lock: DirLock; thread: PgliteThread } | undefined> {
  const taken = early;
  early = undefined;
  if (!taken) return undefined;
  const thread = await taken.thread.catch(() => undefined);
  if (thread && taken.dir === resolve(dataDir)) return { lock: taken.lock, thread };
  await shut(taken, thread);
  return undefined;
}

/**
 * Closes a store opened early that nobody took (the command ended first: a usage error, nothing to
 * run): PostgreSQL is shut down, not cut off by the process's exit, and then its lock let go.
 */
export async function closeEarly(): Promise<void> {
  const left = early;
  early = undefined;
  if (left) await shut(left, await left.thread.catch(() => undefined));
}

async function shut(e: EarlyOpen, thread: PgliteThread | undefined): Promise<void> {
  await thread?.close().catch(() => undefined);
  e.lock.release();
}
