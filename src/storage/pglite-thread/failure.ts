// PGlite throws what Emscripten's file system throws: plain objects with a WASI
// errno, no message (they printed as "[object Object]"). They become the POSIX
// code they stand for, which the store turns into advice (data-dir-problem.ts).

// WASI's numbering, which Emscripten uses for FS.ErrnoError
const WASI_ERRNO: Record<number, string> = {
  2: "EACCES",
  19: "EDQUOT",
  20: "EEXIST",
  29: "EIO",
  31: "EISDIR",
  44: "ENOENT",
  48: "ENOMEM",
  51: "ENOSPC",
  54: "ENOTDIR",
  63: "EPERM",
  69: "EROFS",
};

/** A thrown non-Error as a message and, when it is a file system error, its POSIX code. */
export function describeFailure(err: unknown): { message: string; code?: string } {
  if (typeof err === "object" && err !== null) {
    const errno = (err as { errno?: unknown }).errno;
    if (typeof errno === "number") {
      const code = WASI_ERRNO[errno];
      return code ? { message: `file system error ${code}`, code } : { message: `file system error (errno ${errno})` };
    }
    const message = (err as { message?: unknown }).message;
    if (typeof message === "string") return { message };
    try {
      return { message: JSON.stringify(err) };
    } catch {
      return { message: Object.prototype.toString.call(err) };
    }
  }
  return { message: String(err) };
}
