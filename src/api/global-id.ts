// Global ids that stay readable: a run's id is its UUID (the same one REST, the
// CLI and logs use); tasks and checkpoints carry a short prefix.
export function encodeId(typename: string, id: string | number | bigint): string {
  if (typename === "Run") return String(id);
  if (typename === "TaskRun") return `task:${id}`;
  if (typename === "Checkpoint") return `checkpoint:${id}`;
  return `${typename}:${id}`;
}

export function decodeId(globalId: string): { typename: string; id: string } {
  const colon = globalId.indexOf(":");
  if (colon < 0) return { typename: "Run", id: globalId };
  const prefix = globalId.slice(0, colon);
  const id = globalId.slice(colon + 1);
  if (prefix === "task") return { typename: "TaskRun", id };
  if (prefix === "checkpoint") return { typename: "Checkpoint", id };
  return { typename: prefix, id };
}

/** TaskRun ids join the run id (a UUID, never holding "/") and the task id: split at the first "/". */
export const taskKey = (runId: string, taskId: string) => `${runId}/${taskId}`;
export function splitTaskKey(key: string): { runId: string; taskId: string } | null {
  const slash = key.indexOf("/");
  return slash < 0 ? null : { runId: key.slice(0, slash), taskId: key.slice(slash + 1) };
}
