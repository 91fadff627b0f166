// 5. Resume after a crash: child A starts a run of N slow-ish tasks and is
// SIGKILLed once about half of them succeeded; child B, a new process, measures
// from its own process start to the first executor invocation after
// recoverOrphans (for PGlite that includes reopening the store folder).
// A holds a 1 s lease; B starts after it expired (a crash's real cost also
// includes waiting out the rest of the lease, bounded by leaseMs).
import { collectChild, freshStore, log, resultOf, sleep, spawnBenchChild, type StoreKind } from "./support.js";

export interface ResumeResult {
  kind: StoreKind;
  tasks: number;
  killedAt: number;
  succeededBefore: number;
  /** ms since B's process start. */
  phases: { top: number; imported: number; opened: number; recovered: number; firstDispatch: number };
  /** ms spent in each store call until the first dispatch (commit = the first commit, it releases the dispatch). */
  calls: Record<string, number>;
}

const LEASE_MS = 1_000;

export async function measureResume(kind: StoreKind, n: number, taskMs = 2): Promise<ResumeResult> {
  const store = await freshStore(kind);
  try {
    const env: Record<string, string> = {
      ...(store.config.databaseUrl ? { DATABASE_URL: store.config.databaseUrl } : { CONVEYOR_DATA_DIR: store.config.dataDir! }),
      BENCH_TASKS: String(n),
      BENCH_TASK_MS: String(taskMs),
      BENCH_LEASE_MS: String(LEASE_MS),
    };
    const a = spawnBenchChild("resume-child", { ...env, BENCH_ROLE: "start" });
    let killedAt = -1;
    const aDone = collectChild(a, (line) => {
      if (killedAt < 0 && line.startsWith("DONE ") && Number(line.slice(5)) >= n / 2) {
        killedAt = Number(line.slice(5));
        a.kill("SIGKILL");
      }
    });
    const ra = await aDone;
    if (killedAt < 0) throw new Error(`resume: child A ended before half its run (code ${ra.code})\n${ra.stderr.slice(-3000)}`);
    await sleep(LEASE_MS + 200);
    const b = spawnBenchChild("resume-child", { ...env, BENCH_ROLE: "recover" });
    const rb = await collectChild(b);
    if (rb.code !== 0) throw new Error(`resume: child B exited ${rb.code}\n${rb.stderr.slice(-3000)}`);
    const r = resultOf<{ phases: ResumeResult["phases"]; calls: Record<string, number>; succeededBefore: number }>(
      rb.lines,
      rb.stderr,
      "resume",
    );
    const p = r.phases;
    log(
      `  resume ${kind}: killed at ${killedAt}/${n}; first dispatch ${p.firstDispatch.toFixed(0)} ms after process start ` +
        `(script top ${p.top.toFixed(0)}, modules ${p.imported.toFixed(0)}, store open ${p.opened.toFixed(0)}, recovered ${p.recovered.toFixed(0)}); ` +
        `store calls: ${Object.entries(r.calls)
          .map(([k, v]) => `${k} ${v.toFixed(0)}`)
          .join(", ")} ms`,
    );
    return { kind, tasks: n, killedAt, succeededBefore: r.succeededBefore, phases: p, calls: r.calls };
  } finally {
    await store.dispose();
  }
}
