// Shortened ids, as in git: a run or checkpoint id may be given by any prefix
// that only one of them starts with. An ambiguous one is refused, naming the candidates.
import { CheckpointNotFoundError, RunNotFoundError } from "../core/errors.js";
import { listSome } from "../core/list-text.js";
import type { RunStore } from "../engine/store.js";
import { UsageError } from "./usage-error.js";

/** Candidates named in the refusal of an ambiguous prefix. */
const SHOWN = 10;

function ambiguous(what: string, prefix: string, candidates: string[], more: boolean): UsageError {
  const list = listSome(candidates, SHOWN) + (more ? " … and more" : "");
  return new UsageError(`${what} id "${prefix}" is ambiguous: it starts ${list} (give more of it)`);
}

export async function resolveRunId(store: RunStore, text: string): Promise<string> {
  if (await store.getRun(text)) return text;
  const found = text === "" ? [] : await store.runIdsStartingWith(text, SHOWN + 1);
  if (found.length === 1) return found[0]!;
  if (found.length === 0) throw new RunNotFoundError(text);
  throw ambiguous("run", text, found.slice(0, SHOWN), found.length > SHOWN);
}

/** Among the run's checkpoints (a handful: --keep-checkpoints). */
export async function resolveCheckpointId(store: RunStore, runId: string, text: string): Promise<string> {
  const ids = (await store.listCheckpoints(runId)).map((c) => c.id);
  if (ids.includes(text)) return text;
  const found = text === "" ? [] : ids.filter((id) => id.startsWith(text));
  if (found.length === 1) return found[0]!;
  if (found.length === 0) throw new CheckpointNotFoundError(runId, text);
  throw ambiguous("checkpoint", text, found, false);
}
