import type { RunEvent } from "../engine/ports.js";
import type { Db } from "./db.js";

/** The run's events after `afterSeq`, in order: the replay half of a gapless subscription. */
export async function readEvents(db: Db, runId: string, afterSeq: number, limit: number): Promise<RunEvent[]> {
  const rows = await db.runEvent.findMany({
    where: { runId, seq: { gt: afterSeq } },
    orderBy: { seq: "asc" },
    take: limit,
  });
  return rows.map((e) => ({
    runId: e.runId,
    seq: e.seq,
    type: e.type,
    ...(e.taskId !== null ? { taskId: e.taskId } : {}),
    data: e.data as Record<string, unknown>,
    at: e.createdAt.getTime(),
  }));
}
