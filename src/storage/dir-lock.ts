// PGlite has no multi-process safety: two processes on one data folder silently
// lose writes. The embedded store therefore takes an exclusive lock file holding
// the owner's pid; a lock whose process is gone is stale and taken over.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { StoreLockedError } from "../core/errors.js";
import { dataDirProblem } from "./data-dir-problem.js";

export interface DirLock {
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function tryCreate(file: string): boolean {
  try {
    const fd = openSync(file, "wx");
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
}

export function lockDirectory(dir: string): DirLock {
  try {
    return takeLock(dir);
  } catch (err) {
    throw dataDirProblem(dir, err) ?? err;
  }
}

function takeLock(dir: string): DirLock {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "conveyor.lock");
  for (let tries = 0; tries < 2; tries++) {
    if (tryCreate(file)) {
      return { release: () => rmSync(file, { force: true }) };
    }
    const holder = Number.parseInt(readFileSync(file, "utf8"), 10);
    if (Number.isFinite(holder) && holder !== process.pid && isAlive(holder)) {
      throw new StoreLockedError(
        `the embedded store ${dir} is in use by process ${holder}; ` +
          `stop it, or give this process its own folder with CONVEYOR_DATA_DIR, or use PostgreSQL with DATABASE_URL`,
      );
    }
    // stale: the holder died without releasing
    rmSync(file, { force: true });
  }
  throw new StoreLockedError(`could not lock the embedded store ${dir}: another process keeps taking it`);
}
