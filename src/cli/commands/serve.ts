// conveyor serve: the GraphQL / REST API on the same engine and store as the CLI.
import { withFlag, type Settings } from "../../config.js";
import type { ServerConfig } from "../../api/config.js";
import { RefusedToListenError } from "../../api/server.js";
import { createConveyor } from "../../root.js";
import type { Output } from "../follow.js";
import { resolveTasksPath } from "../task-input.js";

export async function serveCommand(
  f: { host?: string; port?: string; tasks?: string; redis?: string },
  out: Output,
  settings: Settings,
): Promise<number> {
  // a flag is checked as the setting it stands for, and wins over it
  const api: Partial<ServerConfig> = {
    host: withFlag(settings, "CONVEYOR_API_HOST", "--host", f.host),
    port: withFlag(settings, "CONVEYOR_API_PORT", "--port", f.port) ?? settings.PORT,
  };
  if (f.tasks !== undefined) api.tasksFile = resolveTasksPath(f.tasks);
  const redisUrl = withFlag(settings, "REDIS_URL", "--redis", f.redis);
  const conveyor = await createConveyor({ settings, api, ...(redisUrl ? { redisUrl } : {}) });

  let recovered: string[];
  try {
    ({ recovered } = await conveyor.start());
  } catch (err) {
    if (err instanceof RefusedToListenError) {
      out.error(`error: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const url = conveyor.server!.url;
  out.write(`conveyor API on ${url}/graphql (store: ${conveyor.app.db.location}${conveyor.events === "redis" ? ", events: redis" : ""})\n`);
  out.write(`dashboard on ${url}/\n`);
  if (recovered.length > 0) out.write(`recovered ${recovered.length} interrupted run(s)\n`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      out.write(`${signal}: shutting down; runs in progress are released for another replica or a restart\n`);
      resolve();
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  await conveyor.stop();
  return 0;
}
