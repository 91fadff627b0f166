// The units of many runs in one statement (the batched takeover reads every run it
// took at once), grouped back by run in index order. The caller bounds how many
// units one call reads: a run's row says how many it has.
import type { StoredUnit } from "../../engine/store.js";
import type { SqlRunner } from "../migrations.js";
import { toStoredUnit, UNIT_COLUMNS, type UnitRow } from "../task-runs.js";

export async function loadUnitsOf(sql: SqlRunner, runIds: readonly string[]): Promise<Map<string, StoredUnit[]>> {
  const out = new Map<string, StoredUnit[]>(runIds.map((id) => [id, []]));
  if (runIds.length === 0) return out;
  // the primary key's leading column against the list: an index scan, whatever the statistics say
  const rows = await sql.query<UnitRow & { run_id: string }>(
    `SELECT run_id, ${UNIT_COLUMNS} FROM task_runs WHERE run_id = ANY($1::text[]) ORDER BY run_id, idx`,
    [runIds],
    "conveyor_load_units_of",
  );
  for (const r of rows) out.get(r.run_id)!.push(toStoredUnit(r));
  return out;
}
