// Every command opens the app the same way and always closes it.
import { createApp, type App, type AppConfig } from "../app.js";

export async function withApp<T>(fn: (app: App) => Promise<T>, config: AppConfig = { recover: false }): Promise<T> {
  const app = await createApp(config);
  const stopOnSignal = () => {
    process.stderr.write("\ninterrupted: stopping; runs in progress stay resumable (conveyor resume <id>)\n");
    void app.stop().then(() => process.exit(130));
  };
  process.once("SIGINT", stopOnSignal);
  process.once("SIGTERM", stopOnSignal);
  try {
    return await fn(app);
  } finally {
    process.off("SIGINT", stopOnSignal);
    process.off("SIGTERM", stopOnSignal);
    await app.stop();
  }
}
