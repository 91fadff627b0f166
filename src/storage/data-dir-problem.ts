// What a file system error opening the embedded store means for the user: the
// folder named, the setting to change, what to do. Other errors pass unchanged.
import { StoreUnavailableError } from "../core/errors.js";

const SETTING = "CONVEYOR_DATA_DIR";

/** A StoreUnavailableError for `err` when it is a file system error the user can fix; undefined otherwise. */
export function dataDirProblem(dir: string, err: unknown): StoreUnavailableError | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  const where = `the embedded store ${dir} (${SETTING})`;
  switch (code) {
    case "EEXIST":
    case "ENOTDIR":
      return new StoreUnavailableError(SETTING, `${where} is not a folder: set ${SETTING} to a folder (it is created if missing)`);
    case "EACCES":
    case "EPERM":
      return new StoreUnavailableError(
        SETTING,
        `${where} is not writable by this user: grant write access, or set ${SETTING} to a folder you can write ` +
          `(the embedded store writes even to read)`,
      );
    case "EROFS":
      return new StoreUnavailableError(
        SETTING,
        `${where} is on a read-only file system: set ${SETTING} to a writable folder, or copy the store to one ` +
          `(the embedded store writes even to read)`,
      );
    case "ENOSPC":
    case "EDQUOT":
      return new StoreUnavailableError(
        SETTING,
        `the disk holding ${where} is full: free some space, or set ${SETTING} to a folder on another disk`,
      );
    default:
      return undefined;
  }
}
