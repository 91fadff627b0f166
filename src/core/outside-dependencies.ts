// The dependencies a task's definition names that its run does not hold: tasks
// outside the run's selection (done in the file, or left out), which a view
// draws as such. Task Master lets a subtask name a sibling by its bare number.

/** The named dependencies of `taskId` that `inRun` does not know, as the definition names them. */
export function outsideDependencies(named: unknown, taskId: string, inRun: (id: string) => boolean): string[] {
  if (!Array.isArray(named)) return [];
  const parent = taskId.includes(".") ? taskId.slice(0, taskId.lastIndexOf(".")) : null;
  return named.map(String).filter((d) => !inRun(d) && !(parent !== null && inRun(`${parent}.${d}`)));
}
