// The lock Task Master itself takes around every write (proper-lockfile: a
// `<file>.lock` folder, stale after 10 s), so that a `task-master set-status`
// and a Conveyor write-back never interleave their read-patch-write cycles.
import { mkdirSync, rmSync, statSync } from "node:fs";

const STALE_MS = 10_000;

/** Runs `fn` holding the lock; false if the lock stayed busy for `waitMs`. */
export async function withFileLock(file: string, fn: () => void, waitMs = 5_000): Promise<boolean> {
  const lock = `${file}.lock`;
  const deadline = Date.now() + waitMs;
  for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_MS)
        rmSync(lock, { recursive: true, force: true }); // its holder died
      else if (Date.now() >= deadline) return false;
      else await new Promise((r) => setTimeout(r, delay));
    }
  }
  try {
    fn();
    return true;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
