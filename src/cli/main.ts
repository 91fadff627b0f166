// conveyor: run Task Master tasks as durable runs from the command line.
import { ConveyorError, StoreLockedError, StoreOutageError } from "../core/errors.js";
import { processOutput, type Output } from "./follow.js";
import { UsageError } from "./usage-error.js";

const USAGE = `conveyor: run Task Master tasks in dependency order, durably

  conveyor run --tasks <tasks.json|project> [--select 1-5|all|ready] [--status pending,review] [--sync-status]
               [--parallel 4] --command './do-task.sh {id}'
  conveyor run --inline '["task-1","task-2"]' --command 'echo {id}'
  conveyor resume <run-id> [--checkpoint <id>]     continue a paused, failed, cancelled or interrupted run
  conveyor recover                                 take over every run left running by a process that died
  conveyor status <run-id> [--all] [--json]
  conveyor runs [--status failed,running] [--limit 20] [--json]
  conveyor checkpoint <run-id>
  conveyor cancel <run-id>
  conveyor retry <run-id> <task-id>                run a failed task again
  conveyor mark <run-id> <task-id> done|skipped    let a failed task's dependents go on
  conveyor serve [--host 127.0.0.1] [--port 4000] [--tasks <project>] [--redis URL]   the GraphQL / REST API
  conveyor watch <run-id> [--server URL] [--token T]   follow a run of a server live

run options: --tag <tag> --cwd <dir> --retries <n> --retry-delay 1s --retry-max-delay 60s --retry-budget 5m
  --continue-on-error --task-timeout 30s --run-timeout 1h --cancel-grace 5s --checkpoint-interval 10 --keep-checkpoints 5
  --expand-subtasks --with-dependencies --include-done --force --memo-max-age 7d --executor local

Store: ./.conveyor (embedded PGlite; CONVEYOR_DATA_DIR), or PostgreSQL when DATABASE_URL is set.
`;

type Command = (args: string[], out: Output) => Promise<number>;

// Each command's module is loaded only when it runs: serve's API and watch's WebSocket client
// weigh ~40 MB and most of a second that `run` and `status` should not pay.
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import("./commands/run.js")).runCommand,
  resume: async () => (await import("./commands/resume.js")).resumeCommand,
  recover: async () => (await import("./commands/resume.js")).recoverCommand,
  status: async () => (await import("./commands/status.js")).statusCommand,
  runs: async () => (await import("./commands/status.js")).runsCommand,
  checkpoint: async () => (await import("./commands/control.js")).checkpointCommand,
  cancel: async () => (await import("./commands/control.js")).cancelCommand,
  retry: async () => (await import("./commands/control.js")).retryCommand,
  mark: async () => (await import("./commands/control.js")).markCommand,
  serve: async () => (await import("./commands/serve.js")).serveCommand,
  watch: async () => (await import("./commands/watch.js")).watchCommand,
};

export async function main(argv: string[], out: Output = processOutput): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    out.write(USAGE);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    out.error(`unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    const command = await load();
    return await command(args, out);
  } catch (err) {
    if (err instanceof StoreOutageError) {
      // the run did not finish (1), but nothing was wrong with the input (2)
      out.error(`error: ${err.message}\n`);
      return 1;
    }
    if (err instanceof StoreLockedError) {
      out.error(`error: ${err.message}\n`);
      return 3;
    }
    if (err instanceof UsageError || err instanceof ConveyorError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      out.error(`error: ${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  }
}
