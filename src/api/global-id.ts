// Global ids that stay readable: a run's id is its UUID (the same one REST, the
// CLI and logs use); tasks, checkpoints and a run's progress carry a short prefix.
// Arguments that name a run, task or checkpoint take either form (ids below).
import { TaskNotFoundError } from "../core/errors.js";

const PREFIXES: Record<string, string> = { TaskRun: "task", Checkpoint: "checkpoint", Progress: "progress" };
const TYPENAMES: Record<string, string> = { task: "TaskRun", checkpoint: "Checkpoint", progress: "Progress" };

/** The types node(id) can answer; any other id is unknown (null). */
export const NODE_TYPES = new Set(["Run", ...Object.keys(PREFIXES)]);

export function encodeId(typename: string, id: string | number | bigint): string {
  if (typename === "Run") return String(id);
  const prefix = PREFIXES[typename];
  return prefix ? `${prefix}:${id}` : `${typename}:${id}`;
}

export function decodeId(globalId: string): { typename: string; id: string } {
  const colon = globalId.indexOf(":");
  if (colon < 0) return { typename: "Run", id: globalId };
  const prefix = globalId.slice(0, colon);
  const id = globalId.slice(colon + 1);
  return { typename: TYPENAMES[prefix] ?? prefix, id };
}

/** A checkpoint named by its raw id or its node id (checkpoint:<uuid>). */
export function checkpointIdArg(value: string | number): string {
  const s = String(value);
  return s.startsWith("checkpoint:") ? s.slice("checkpoint:".length) : s;
}

/**
 * A task of run `runId` named by its task id or its node id (task:<runId>/<taskId>);
 * a node id of another run's task names no task of this one.
 */
export function taskIdArg(runId: string, value: string | number): string {
  const s = String(value);
  if (!s.startsWith("task:")) return s;
  const key = splitTaskKey(s.slice("task:".length));
  if (!key || key.runId !== runId) throw new TaskNotFoundError(runId, s);
  return key.taskId;
}

/** TaskRun ids join the run id (a UUID, never holding "/") and the task id: split at the first "/". */
export const taskKey = (runId: string, taskId: string) => `${runId}/${taskId}`;
export function splitTaskKey(key: string): { runId: string; taskId: string } | null {
  const slash = key.indexOf("/");
  return slash < 0 ? null : { runId: key.slice(0, slash), taskId: key.slice(slash + 1) };
}
