// `conveyor serve` and `conveyor watch` as child processes (from source, through tsx).
import { spawn, type ChildProcess } from "node:child_process";

export interface Child {
  proc: ChildProcess;
  output(): string;
  /** Resolves with the first match of `re` in stdout+stderr. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

export function conveyor(args: string[], env: Record<string, string> = {}): Child {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/cli/bin.ts", ...args], {
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
        void exited.then(() => setTimeout(() => {
          if (!out.match(re)) {
            clearTimeout(timer);
            reject(new Error(`process exited before ${re}:\n${out}`));
          }
        }, 50));
        check();
      }),
  };
}

/** Starts `conveyor serve` on a free port and returns its base URL. */
export async function serve(env: Record<string, string>, args: string[] = []): Promise<Child & { url: string }> {
  const child = conveyor(["serve", "--port", "0", ...args], env);
  const m = await child.waitFor(/conveyor API on (http:\/\/[^\s]+)\/graphql/);
  return Object.assign(child, { url: m[1]! });
}

export async function gql(url: string, query: string, variables?: Record<string, unknown>) {
  const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  return (await res.json()) as { data?: any; errors?: any[] };
}
