// The dependencies a task's definition names that its run does not hold: tasks
// outside the run's selection (done in the file, or left out), which a view
// draws as such. A definition names them by the ids they mean: a subtask's
// sibling, which Task Master lets it name by its bare number, is resolved to
// its full id before a run is planned (taskmaster/dependencies.ts).

/** The named dependencies that `inRun` does not know, as the definition names them. */
export function outsideDependencies(named: unknown, inRun: (id: string) => boolean): string[] {
  return Array.isArray(named) ? named.map(String).filter((d) => !inRun(d)) : [];
}
