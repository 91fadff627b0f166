// The spawner process itself: tasks really are its children, many run at once
// without their output mixing, its death fails the attempts it carried (and
// kills what is left of them) and a new one takes over, and a spawner that
// cannot start leaves the executor spawning directly.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { LocalProcessExecutor } from "../../src/executors/local-process.js";
import { Spawner } from "../../src/executors/spawner/spawner.js";
import { expectGone, request } from "./local-process-support.js";

describe("Spawner", () => {
  const open: Spawner[] = [];
  const spawner = (warn?: (message: string) => void, maxHelpers?: number) => {
    const s = new Spawner(warn, maxHelpers);
    open.push(s);
    return s;
  };
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });

  it("runs many tasks at once as children of its helpers, each with its own output, result and progress", async () => {
    const exec = new LocalProcessExecutor({ launcher: spawner(undefined, 3) });
    // Each task prints ~120 KB (more than a pipe holds, and than its 64 KiB tail), then its progress and result.
    const command =
      'seq 1 20000 | sed "s/^/$CONVEYOR_TASK_ID /"; echo "::conveyor progress 0.5 $PPID"; echo "::conveyor result {\\"id\\": $CONVEYOR_TASK_ID}"; echo tail-$CONVEYOR_TASK_ID >&2';
    const ids = Array.from({ length: 24 }, (_, i) => String(i + 1));
    const parents = new Set<string>();
    const outcomes = await Promise.all(
      ids.map((taskId) => exec.execute(request({ taskId, command, onProgress: (_, parent) => parents.add(parent!) }))),
    );
    for (const [i, o] of outcomes.entries()) {
      expect(o).toMatchObject({ ok: true, exitCode: 0, result: { id: i + 1 }, stderrTail: `tail-${i + 1}\n` });
      expect(Buffer.byteLength(o.stdoutTail!)).toBe(64 * 1024);
      expect(o.stdoutTail!.split("\n").filter((l) => l && !l.startsWith("::conveyor"))).toSatisfy((lines: string[]) =>
        lines.slice(1).every((l) => l.startsWith(`${i + 1} `)),
      );
    }
    // Launched all at once, they are spread over every helper allowed.
    expect(parents.size).toBe(3);
    expect([...parents].map(Number)).not.toContain(process.pid);
  });

  it("keeps its helpers out of this process's session, as terminal signals (Ctrl-C) go to the whole foreground group", async () => {
    const outcome = await new LocalProcessExecutor({ launcher: spawner() }).execute(request({ command: "echo $PPID" }));
    const sessionOf = (pid: number | string) => readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ").slice(2, 4);
    const [group, session] = sessionOf(outcome.stdoutTail!.trim());
    const [ownGroup, ownSession] = sessionOf(process.pid);
    expect(group).not.toBe(ownGroup);
    expect(session).not.toBe(ownSession);
  });

  it("kills a task cancelled before its start reached the spawner", async () => {
    const exec = new LocalProcessExecutor({ launcher: spawner() });
    const controller = new AbortController();
    const started = Date.now();
    const pending = exec.execute(request({ command: "sleep 30", signal: controller.signal }));
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, cancelled: true });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("fails the attempts of a spawner that died, ends their processes, and starts a new one", async () => {
    const warnings: string[] = [];
    const exec = new LocalProcessExecutor({ launcher: spawner((m) => warnings.push(m)), killGraceMs: 200 });
    let pids: string[] = [];
    const outcome = await exec.execute(
      request({
        // The spawner is the shell's parent; a background child holds the group open too.
        command: 'sleep 30 & echo "::conveyor progress 0 $PPID $$ $!"; wait',
        onProgress: (_, message) => {
          pids = message!.split(" ");
          process.kill(Number(pids[0]), "SIGKILL");
        },
      }),
    );
    const [helper, shell, grandchild] = pids.map(Number);
    expect(outcome).toMatchObject({ ok: false, exitCode: null });
    expect(outcome.error).toBe(`lost the task process: the spawner process (pid ${helper}) was killed by SIGKILL`);
    expect(warnings).toEqual([`the spawner process (pid ${helper}) was killed by SIGKILL; 1 running task attempt(s) lost`]);
    await expectGone(shell!);
    await expectGone(grandchild!);

    const next = await exec.execute(request({ command: "echo $PPID" }));
    expect(next.ok).toBe(true);
    expect([helper, process.pid]).not.toContain(Number(next.stdoutTail));
  });

  it("spawns directly when the spawner cannot start", async () => {
    const saved = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = "--require /nonexistent/conveyor-preload.cjs";
    const warnings: string[] = [];
    try {
      const exec = new LocalProcessExecutor({ launcher: spawner((m) => warnings.push(m)) });
      const outcome = await exec.execute(request({ command: "echo $PPID" }));
      expect(outcome).toMatchObject({ ok: true, stdoutTail: `${process.pid}\n` });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(
        /^the spawner process \(pid \d+\) exited with code 1: .*conveyor-preload.*; task processes are spawned directly from now on$/s,
      );
    } finally {
      if (saved === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = saved;
    }
  });
});
