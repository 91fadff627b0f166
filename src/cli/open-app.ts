// Every command opens the app the same way and always closes it.
import { createApp, type App, type AppConfig } from "../app.js";

const warnOnStderr = (message: string) => void process.stderr.write(`warning: ${message}\n`);
/** The shell's code for a process ended by SIGINT. */
const INTERRUPTED = 130;

/**
 * Runs a command with the app open. Ctrl-C (or SIGTERM) stops the app: runs in
 * progress stay resumable and their write-backs finish; the command then exits 130
 * whatever it was about to report. A second Ctrl-C kills the process at once.
 */
export async function withApp(fn: (app: App) => Promise<number>, config: AppConfig = { recover: false }): Promise<number> {
  const app = await createApp({ warn: warnOnStderr, ...config });
  let interrupted = false;
  const stopOnSignal = () => {
    interrupted = true;
    process.stderr.write("\ninterrupted: stopping; runs in progress stay resumable (conveyor resume <id>)\n");
    void app.stop();
  };
  process.once("SIGINT", stopOnSignal);
  process.once("SIGTERM", stopOnSignal);
  try {
    const code = await fn(app);
    return interrupted ? INTERRUPTED : code;
  } catch (err) {
    // what a stopping app makes a command throw (a closed store) is not worth reporting
    if (interrupted) return INTERRUPTED;
    throw err;
  } finally {
    process.off("SIGINT", stopOnSignal);
    process.off("SIGTERM", stopOnSignal);
    await app.stop();
  }
}
