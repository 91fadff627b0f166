// What a command says while its store opens. A store that opens quickly says
// nothing; one that takes longer (a new embedded store is unpacked and started,
// a loaded machine, a slow database) gets a line naming what the command waits
// for, so the terminal is never blank for long before the live bar. Only on a
// terminal, where the line is cleared once the store is open: piped output stays
// exactly what the command reports.
import { loadSettings, type Settings } from "../config.js";

export interface OpeningNotice {
  /** The store is open (or could not be): the line goes, if it was shown. */
  done(): void;
}

interface Terminal {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** What the command waits for, as the line says it: never the URL, which may hold a password. */
export function openingWhat(databaseUrl: string | undefined, dataDir: string): string {
  return databaseUrl ? "connecting to PostgreSQL (DATABASE_URL)" : `opening the embedded store in ${dataDir}`;
}

export function openingNotice(what: string, delayMs: number, terminal: Terminal = process.stderr): OpeningNotice {
  if (!terminal.isTTY) return { done: () => undefined };
  let shown = false;
  const timer = setTimeout(() => {
    shown = true;
    terminal.write(`${what} …`);
  }, delayMs);
  timer.unref();
  return {
    done: () => {
      clearTimeout(timer);
      if (shown) terminal.write("\r\x1b[K");
      shown = false;
    },
  };
}

/** The notice for opening the store a command's config (or its settings) names. */
export function openingNoticeFor(
  config: { databaseUrl?: string; dataDir?: string; settings?: Settings },
  terminal: Terminal = process.stderr,
): OpeningNotice {
  const settings = config.settings ?? loadSettings();
  const what = openingWhat(config.databaseUrl ?? settings.DATABASE_URL, config.dataDir ?? settings.CONVEYOR_DATA_DIR);
  // counted from the process's start (performance.now()): Node's own start and loading the CLI come first
  return openingNotice(what, Math.max(0, settings.CONVEYOR_OPEN_NOTICE_MS - performance.now()), terminal);
}
