import type { CheckpointRecord, CheckpointSnapshot } from "../engine/store.js";
import type { Db } from "./db.js";
import type { Checkpoint } from "./generated/client.js";

const toRecord = (c: Checkpoint): CheckpointRecord => ({
  id: c.id,
  runId: c.runId,
  seq: c.seq,
  reason: c.reason,
  snapshot: c.snapshot as unknown as CheckpointSnapshot,
  createdAt: c.createdAt.getTime(),
});

/** Newest first. */
export async function listCheckpoints(db: Db, runId: string): Promise<CheckpointRecord[]> {
  const rows = await db.checkpoint.findMany({ where: { runId }, orderBy: [{ seq: "desc" }, { createdAt: "desc" }] });
  return rows.map(toRecord);
}

export async function getCheckpoint(db: Db, id: string): Promise<CheckpointRecord | null> {
  const c = await db.checkpoint.findUnique({ where: { id } });
  return c ? toRecord(c) : null;
}
