// The real Task Master CLI (task-master-ai's own entry, dist/task-master.js)
// serving many commands in one process: a CLI start costs ~5 s of CPU in
// module loading alone, and the suite asks it dozens of things. Each request is
// what `task-master <args>` in <cwd> does: the entry's prologue (project root,
// its .env, the telemetry notice, the session check), then its runCLI with the
// same argv; its stdout, stderr and exit code come back. Output after the
// command calls process.exit is dropped, as a real exit would drop it.
// The entry's modules are found through its own import lines (hashed chunk
// names), so a Task Master upgrade that changes them fails here, loudly.
// Protocol: a JSON line {id, cwd, args} in, a JSON line {id, code, stdout, stderr} out.
// The server ends when its stdin closes or after a minute without a request.
import { Buffer } from "node:buffer";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { clearTimeout, setTimeout } from "node:timers";
import { pathToFileURL } from "node:url";

const BIN = resolve("node_modules/task-master-ai/dist/task-master.js");
const entry = readFileSync(BIN, "utf8");

/** local name in the entry → [chunk file, exported name], from its `import{a as b,…}from"./chunk.js"` lines */
const locals = new Map();
for (const m of entry.matchAll(/import\{([^}]*)\}from"(\.\/[^"]+)"/g)) {
  for (const part of m[1].split(",")) {
    const [exported, local = exported] = part.split(" as ");
    locals.set(local.trim(), [m[2], exported.trim()]);
  }
}
const commandsChunk = entry.match(/await import\(`(\.\/commands-[^`]+)`\)/)?.[1];
const prologue =
  /const o=process\.cwd\(\),s=t\(\);a\.config\(\{path:i\(s,`\.env`\)\}\),r\(\{projectRoot:s\}\),process\.env\.TASKMASTER_ORIGINAL_CWD=o/;
if (!commandsChunk || !prologue.test(entry) || !["e", "t", "n", "r"].every((l) => locals.has(l))) {
  throw new Error(`${BIN} is not shaped like Task Master 0.43's entry: update test/taskmaster/tm-server.mjs`);
}
const load = async (local) => {
  const [file, name] = locals.get(local);
  return (await import(pathToFileURL(join(dirname(BIN), file)).href))[name];
};
const [setSession, findProjectRoot, auth, initTelemetry] = await Promise.all(["e", "t", "n", "r"].map(load));
// the dotenv the entry imports (its own copy, beside it)
const dotenv = createRequire(BIN)("dotenv");
const { runCLI } = await import(pathToFileURL(join(dirname(BIN), commandsChunk)).href);

class Exit extends Error {}
let current; // the request being served: { out, err, code }
const write = (key, original) =>
  function (chunk, encoding, cb) {
    if (!current) return original.call(this, chunk, encoding, cb);
    if (current.code === undefined) current[key] += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
    const done = typeof encoding === "function" ? encoding : cb;
    done?.();
    return true;
  };
const realOut = process.stdout.write.bind(process.stdout);
process.stdout.write = write("out", process.stdout.write);
process.stderr.write = write("err", process.stderr.write);
process.exit = (code) => {
  if (current && current.code === undefined) current.code = code ?? process.exitCode ?? 0;
  throw new Exit();
};
// a process.exit from a callback the command did not await
process.on("uncaughtException", (e) => {
  if (!(e instanceof Exit)) throw e;
});
process.on("unhandledRejection", (e) => {
  if (!(e instanceof Exit)) throw e;
});

async function serve({ cwd, args }) {
  current = { out: "", err: "", code: undefined };
  process.chdir(cwd);
  process.exitCode = undefined;
  try {
    const root = findProjectRoot();
    dotenv.config({ path: join(root, ".env") });
    initTelemetry({ projectRoot: root });
    process.env.TASKMASTER_ORIGINAL_CWD = cwd;
    try {
      setSession(Boolean(await auth.getInstance().hasValidSession()));
    } catch {
      setSession(false);
    }
    await runCLI(["node", BIN, ...args]);
  } catch (e) {
    if (!(e instanceof Exit)) current.err += `${e?.stack ?? e}\n`;
  }
  // let what the command left running (a write it did not await) finish, as the event loop would before a natural exit
  await new Promise((r) => setTimeout(r, 20));
  const { out, err, code } = current;
  current = undefined;
  return { stdout: out, stderr: err, code: code ?? process.exitCode ?? 0 };
}

// process.exit is the commands' now: the server ends by a signal to itself
const quit = () => process.kill(process.pid, "SIGTERM");
const IDLE_MS = 60_000;
let idle = setTimeout(quit, IDLE_MS);
const lines = createInterface({ input: process.stdin });
const queue = [];
let busy = false;
lines.on("line", (line) => {
  queue.push(JSON.parse(line));
  void drain();
});
lines.on("close", quit);
async function drain() {
  if (busy) return;
  busy = true;
  clearTimeout(idle);
  while (queue.length) {
    const req = queue.shift();
    const res = await serve(req);
    realOut(JSON.stringify({ id: req.id, ...res }) + "\n");
  }
  busy = false;
  idle = setTimeout(quit, IDLE_MS);
}
