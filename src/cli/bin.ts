// The process entry point of the conveyor command.
import { setFlagsFromString } from "node:v8";
import { processEnvironment } from "../config/environment.js";
import { commandOf, earlyStoreDir } from "./early-store.js";

// V8 compiles a WebAssembly function again, optimized, once it has run a while (its "tiering
// budget", tuned for long-lived pages). Starting PostgreSQL in PGlite sets off optimizing
// compilations that a command never lives to use: 0.6 s of CPU and 60 MB of a one-task run
// (`npm run bench -- --only startup`). A budget about 1,000 times larger keeps a command's work on
// the baseline compiler while a long run still optimizes what stays hot; a run of 2,000 `true`
// tasks takes less CPU with it, not more (the compilations cost more than they save). A server
// lives long enough for them to pay: `serve` keeps V8's default.
const argv = process.argv.slice(2);
const ownFlags = process.execArgv.some((a) => a.startsWith("--wasm-tiering-budget") || a === "--liftoff-only");
if (!ownFlags && commandOf(argv) !== "serve") {
  setFlagsFromString("--wasm-tiering-budget=2000000000");
}

// the embedded store starts opening on its thread while the command's modules load below
const storeDir = earlyStoreDir(argv, processEnvironment());
const early = storeDir ? await import("../storage/early-open.js") : undefined;
if (early && storeDir) early.openEarly(storeDir);
const { main } = await import("./main.js");

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

const code = await main(argv).catch((err: unknown) => {
  // main reports every error itself; this is the last guard, still one line without --debug
  process.stderr.write(`error: unexpected: ${(err as Error)?.message ?? String(err)}\n`);
  return 1;
});
process.exitCode = code;
// a command that ended before it opened the store it began opening (a usage error, say) closes it
await Promise.all([drained(process.stdout), drained(process.stderr), early?.closeEarly()]);
// what a command left open (a timer, a socket) must not keep a finished command alive
process.exit(code);
