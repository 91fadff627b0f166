// Which embedded store a command line will open, guessed from the raw arguments and
// environment before the command's modules load, so that the entry point can start
// opening it (storage/early-open.ts). A guess only: the real open checks the folder,
// and anything unusual (help, a server, PostgreSQL) guesses nothing.
/** The commands that always open the store they are configured with. */
const STORE_COMMANDS = new Set([
  "run",
  "plan",
  "resume",
  "recover",
  "checkpoint",
  "cancel",
  "retry",
  "mark",
  "status",
  "runs",
  "logs",
  "prune",
  "serve",
]);
// `logs --follow` may follow a server named by CONVEYOR_SERVER, opening no store
const ELSEWHERE = new Set(["-h", "--help", "-V", "--version", "--server", "-f", "--follow"]);

/** The command a command line names (global flags take no value), if any. */
export const commandOf = (argv: string[]): string | undefined => argv.find((a) => !a.startsWith("-"));

/** The embedded store's folder the command will open, or undefined when it may not open one. */
export function earlyStoreDir(argv: string[], env: Record<string, string | undefined>): string | undefined {
  if (env.DATABASE_URL?.trim()) return undefined;
  const command = commandOf(argv);
  if (!command || !STORE_COMMANDS.has(command)) return undefined;
  if (argv.some((a) => ELSEWHERE.has(a.split("=")[0]!))) return undefined;
  // as the setting reads it: a blank value is unset, any other is taken as written
  const dir = env.CONVEYOR_DATA_DIR;
  return dir?.trim() ? dir : ".conveyor";
}
