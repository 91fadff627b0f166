// Every command opens the app the same way and always closes it.
import type { App } from "../app.js";
import type { ConveyorConfig } from "../root.js";
import { Interrupted, Interruption } from "./interruption.js";
import { openingNoticeFor } from "./opening-notice.js";

const warnOnStderr = (message: string) => void process.stderr.write(`warning: ${message}\n`);
/** The shell's code for a process ended by SIGINT. */
const INTERRUPTED = 130;

/**
 * Runs a command with the app open. Ctrl-C (or SIGTERM) stops the app: runs in
 * progress stay resumable and their write-backs finish; the command then exits 130
 * whatever it was about to report. A second Ctrl-C kills the process at once.
 */
export async function withApp(fn: (app: App, interruption: Interruption) => Promise<number>, config: ConveyorConfig = {}): Promise<number> {
  // a store slow to open (a new one, a loaded machine) gets a line saying so on a terminal
  const notice = openingNoticeFor(config);
  // loaded here, not at the top: `--help` and argument errors never pay for the store's modules.
  // No API, and never started: a command drives the runs it starts or steers, takes over no
  // one else's and sends no webhooks (a server does both).
  const conveyor = await import("../root.js")
    .then(({ createConveyor }) => createConveyor({ warn: warnOnStderr, recover: false, ...config, api: false }))
    .finally(() => notice.done());
  const app = conveyor.app;
  const interruption = new Interruption();
  let stopping: Promise<void> | undefined;
  let stopped!: () => void;
  // once the app has stopped, the command is over, whatever it was waiting for (a closed pool may never answer)
  const interrupted = new Promise<number>((resolve) => (stopped = () => resolve(INTERRUPTED)));
  const stopOnSignal = () => {
    // the hooks first: a live bar is cleared before the line that says what was left behind
    const message = interruption.fire();
    process.stderr.write(`${process.stderr.isTTY ? "\r\x1b[K" : "\n"}${message}`);
    stopping = conveyor.stop();
    stopping.then(stopped, stopped);
  };
  process.once("SIGINT", stopOnSignal);
  process.once("SIGTERM", stopOnSignal);
  try {
    const code = await Promise.race([fn(app, interruption), interrupted]);
    return interruption.fired ? INTERRUPTED : code;
  } catch (err) {
    // what a stopping app makes a command throw (a closed store) is not worth reporting
    if (interruption.fired || err instanceof Interrupted) return INTERRUPTED;
    throw err;
  } finally {
    process.off("SIGINT", stopOnSignal);
    process.off("SIGTERM", stopOnSignal);
    await (stopping ?? conveyor.stop());
  }
}
