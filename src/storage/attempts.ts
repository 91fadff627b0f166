import type { AttemptRecord, AttemptStatus } from "../engine/store.js";
import { ms, type Db } from "./db.js";

export async function listAttempts(db: Db, runId: string, index?: number): Promise<AttemptRecord[]> {
  const rows = await db.attempt.findMany({
    where: { runId, ...(index !== undefined ? { idx: index } : {}) },
    orderBy: [{ idx: "asc" }, { number: "asc" }],
  });
  return rows.map((a) => ({
    index: a.idx,
    number: a.number,
    status: a.status as AttemptStatus,
    startedAt: a.startedAt.getTime(),
    finishedAt: ms(a.finishedAt),
    exitCode: a.exitCode,
    error: a.error,
    stdoutTail: a.stdoutTail,
    stderrTail: a.stderrTail,
  }));
}
