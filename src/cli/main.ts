// conveyor: run Task Master tasks as durable runs from the command line.
import { ConveyorError, StoreLockedError } from "../core/errors.js";
import { cancelCommand, checkpointCommand, markCommand, retryCommand } from "./commands/control.js";
import { recoverCommand, resumeCommand } from "./commands/resume.js";
import { planCommand } from "./commands/plan.js";
import { runCommand } from "./commands/run.js";
import { serveCommand } from "./commands/serve.js";
import { runsCommand, statusCommand } from "./commands/status.js";
import { watchCommand } from "./commands/watch.js";
import { processOutput, type Output } from "./follow.js";
import { UsageError } from "./usage-error.js";

const USAGE = `conveyor: run Task Master tasks in dependency order, durably

  conveyor run --tasks <tasks.json|project> [--select 1-5|all|ready] [--status pending,review] [--sync-status]
               [--parallel 4] --command './do-task.sh {id}'
  conveyor run --inline '["task-1","task-2"]' --command 'echo {id}'
  conveyor plan <run's flags> [--json]             what run would do, recording nothing (also: run --dry-run)
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

const COMMANDS: Record<string, (args: string[], out: Output) => Promise<number>> = {
  run: runCommand,
  plan: planCommand,
  resume: resumeCommand,
  recover: recoverCommand,
  status: statusCommand,
  runs: runsCommand,
  checkpoint: checkpointCommand,
  cancel: cancelCommand,
  retry: retryCommand,
  mark: markCommand,
  serve: serveCommand,
  watch: watchCommand,
};

export async function main(argv: string[], out: Output = processOutput): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    out.write(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    out.error(`unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(args, out);
  } catch (err) {
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
