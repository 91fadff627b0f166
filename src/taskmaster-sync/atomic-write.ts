// Replacing a file so that a reader, or a crash at any instant, sees either
// the old text or the new one: write a temporary file in the same folder
// (same file system), flush it to disk, then rename it over the original.
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

const tempPrefix = (file: string) => `.${basename(file)}.conveyor-`;

export function writeFileAtomic(file: string, text: string): void {
  const temp = join(dirname(file), `${tempPrefix(file)}${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
  const mode = statSync(file, { throwIfNoEntry: false })?.mode ?? 0o644;
  const fd = openSync(temp, "wx", mode & 0o777);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/** Removes temporary files left by writers that were killed mid-write (their process is gone). */
export function removeStaleTemps(file: string): void {
  const prefix = tempPrefix(file);
  for (const name of readdirSync(dirname(file))) {
    const pid = name.startsWith(prefix) ? Number(name.slice(prefix.length).split("-")[0]) : NaN;
    if (Number.isInteger(pid) && !alive(pid)) rmSync(join(dirname(file), name), { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}
