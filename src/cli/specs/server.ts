// The commands about a server: serve runs one, watch follows a run on one; the
// work is in commands/serve.ts and commands/watch.ts.
import type { Command } from "commander";
import { environmentHelp, ENV } from "../environment.js";
import { lazy, type CliContext } from "../lazy-action.js";

export function defineServerCommands(program: Command, ctx: CliContext): void {
  program
    .command("serve")
    .summary("the GraphQL / REST API and the web dashboard (at /) on the same engine and store")
    .description(
      "the GraphQL / REST API (GraphiQL at /graphql, REST under /api) on the same engine and store; takes over runs whose driver died",
    )
    .option("--host <host>", "address to listen on (default: 127.0.0.1, or CONVEYOR_API_HOST)")
    .option("--port <port>", "port to listen on (default: 4000, or CONVEYOR_API_PORT)")
    .option("--tasks <path>", "the server's Task Master project, for requests that name no source")
    .option("--redis <url>", "Redis for events across replicas (default: REDIS_URL)")
    .addHelpText("after", environmentHelp(ENV.serve))
    .action(lazy(ctx, () => import("../commands/serve.js").then((m) => m.serveCommand)));
  program
    .command("watch")
    .description("follow a run of a server live, with the same bar (or event lines) as conveyor run")
    .argument("<run>", "the run's id")
    .option("--server <url>", "the server (default: CONVEYOR_SERVER, else http://127.0.0.1:4000)")
    .option("--token <token>", "bearer token (default: CONVEYOR_TOKEN)")
    .addHelpText("after", environmentHelp(ENV.server))
    .action(lazy(ctx, () => import("../commands/watch.js").then((m) => m.watchCommand)));
}
