// `conveyor serve` and `conveyor watch` as child processes (what is in src/:
// compiled when dist/ is current, else from source through tsx).
import { spawn, type ChildProcess } from "node:child_process";
import pg from "pg";
import { CURRENT_CODE } from "../../support/conveyor-process.js";
import { TEST_NODE_FLAGS } from "../../support/node-flags.js";

export interface Child {
  proc: ChildProcess;
  output(): string;
  /** Resolves with the first match of `re` in stdout+stderr. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

export function conveyor(args: string[], env: Record<string, string> = {}): Child {
  const proc = spawn(process.execPath, [...TEST_NODE_FLAGS, ...CURRENT_CODE, ...args], {
    env: { ...process.env, CONVEYOR_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const waiters: (() => void)[] = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.splice(0)) w();
  };
  proc.stdout!.on("data", onData);
  proc.stderr!.on("data", onData);
  const exited = new Promise<number | null>((r) => proc.on("exit", (code) => r(code)));
  return {
    proc,
    output: () => out,
    exited,
    waitFor: (re, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re} in:\n${out}`)), timeoutMs);
        const check = () => {
          const m = out.match(re);
          if (m) {
            clearTimeout(timer);
            resolve(m);
          } else waiters.push(check);
        };
        void exited.then(() =>
          setTimeout(() => {
            if (!out.match(re)) {
              clearTimeout(timer);
              reject(new Error(`process exited before ${re}:\n${out}`));
            }
          }, 50),
        );
        check();
      }),
  };
}

/** Starts `conveyor serve` on a free port and returns its base URL; one that never comes up is killed, not left behind. */
export async function serve(env: Record<string, string>, args: string[] = [], timeoutMs?: number): Promise<Child & { url: string }> {
  const child = conveyor(["serve", "--port", "0", ...args], env);
  const m = await child.waitFor(/conveyor API on (http:\/\/[^\s]+)\/graphql/, timeoutMs).catch((err: unknown) => {
    child.proc.kill("SIGKILL");
    throw err;
  });
  return Object.assign(child, { url: m[1]! });
}

export async function gql(url: string, query: string, variables?: Record<string, unknown>) {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: any[] };
}

/**
 * Stops the process driving a run (`stop`), then waits for another to take its
 * lease, failing after `withinMs`, and for the run to settle; returns how long the
 * takeover took and the run's row at the end.
 */
export async function watchTakeover(databaseUrl: string, runId: string, stop: () => Promise<void>, withinMs: number) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
  try {
    const row = async () =>
      (
        await db.query<{ status: string; lease_owner: string | null; succeeded: number }>(
          "SELECT status, lease_owner, succeeded FROM runs WHERE id = $1",
          [runId],
        )
      ).rows[0]!;
    const before = (await row()).lease_owner;
    await stop();
    const stopped = Date.now();
    let now = await row();
    while (now.lease_owner === null || now.lease_owner === before) {
      if (Date.now() - stopped > withinMs) throw new Error(`run ${runId} not taken over within ${withinMs} ms`);
      await sleep(50);
      now = await row();
    }
    const takenAfterMs = Date.now() - stopped;
    while (now.status === "running") {
      await sleep(100);
      now = await row();
    }
    return { takenAfterMs, final: now };
  } finally {
    await db.end();
  }
}
