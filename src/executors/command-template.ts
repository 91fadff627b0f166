// A task's command from the run's template: `{id}` and `{title}` become single
// shell words. Shared by the local executor and the Argo workflow builder, so a
// command means the same thing on either.

/** One shell word with exactly this content: inside single quotes only `'` needs care (close, escape, reopen). */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Expands placeholders in one pass, so a title containing "{id}" is not expanded again. */
export function expandCommand(template: string, task: { taskId: string; title: string }): string {
  return template.replace(/\{(id|title)\}/g, (_, key: string) => shellQuote(key === "id" ? task.taskId : task.title));
}
