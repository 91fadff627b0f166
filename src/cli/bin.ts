// The process entry point of the conveyor command.
import { main } from "./main.js";

/** Resolves once everything written so far has left the process (a pipe takes it in 64 KiB steps). */
const drained = (stream: NodeJS.WriteStream) =>
  new Promise<void>((resolve) => (stream.writableLength === 0 ? resolve() : stream.write("", () => resolve())));

// a reader that went away (`conveyor runs | head -1`) is not an error of ours: stop quietly
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const code = await main(process.argv.slice(2)).catch((err: unknown) => {
  // main reports every error itself; this is the last guard, still one line without --debug
  process.stderr.write(`error: unexpected: ${(err as Error)?.message ?? String(err)}\n`);
  return 1;
});
process.exitCode = code;
await Promise.all([drained(process.stdout), drained(process.stderr)]);
// what a command left open (a timer, a socket) must not keep a finished command alive
process.exit(code);
