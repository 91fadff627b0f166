// What a tasks file held that Conveyor read leniently, as Task Master does,
// gathered while reading and said once per kind, naming the tasks and subtasks
// in Task Master's id form ("29.1").

export type NoteKind =
  "notObject" | "noId" | "noTitle" | "completed" | "oddStatus" | "notText" | "depsNotList" | "subtasksNotList" | "otherParent" | "nested";

/** Per kind, the tasks and subtasks it was seen on, in file order. */
export type Notes = Map<NoteKind, { tasks: string[]; subtasks: string[] }>;

export function note(notes: Notes, kind: NoteKind, who: "task" | "subtask", what: string): void {
  let seen = notes.get(kind);
  if (!seen) notes.set(kind, (seen = { tasks: [], subtasks: [] }));
  (who === "task" ? seen.tasks : seen.subtasks).push(what);
}

const SAYS: Record<NoteKind, string> = {
  notObject: "are not objects: left out",
  noId: "have no usable id: left out (nothing can select them or wait for them)",
  noTitle: "have no title: titled by their id",
  completed: 'have the non-standard status "completed": read as "done"',
  oddStatus:
    "have a status that is not one of Task Master's (pending, in-progress, done, deferred, cancelled, blocked, review): never ready, run by --select all",
  notText: "have fields that should be text but are not: ignored",
  depsNotList: "have dependencies not written as a list: read as a list of that one value",
  subtasksNotList: "have subtasks not written as a list: ignored",
  otherParent: "have an id naming another parent: read by its last part, as Task Master does",
  nested: "have subtasks of their own, which Task Master does not support: ignored",
};

const SHOWN = 10;

/** One warning per kind, in the order kinds were first seen. */
export function noteWarnings(notes: Notes): string[] {
  return [...notes].map(([kind, { tasks, subtasks }]) => {
    const parts = [];
    if (tasks.length > 0) parts.push(named(tasks.length === 1 ? "task" : "tasks", tasks));
    if (subtasks.length > 0) parts.push(named(subtasks.length === 1 ? "subtask" : "subtasks", subtasks));
    const one = tasks.length + subtasks.length === 1;
    return `${parts.join(" and ")} ${one ? singular(SAYS[kind]) : SAYS[kind]}`;
  });
}

function named(noun: string, ids: string[]): string {
  const more = ids.length > SHOWN ? ` and ${ids.length - SHOWN} more` : "";
  return `${noun} ${ids.slice(0, SHOWN).join(", ")}${more}`;
}

function singular(says: string): string {
  return says
    .replace(/^are not objects/, "is not an object")
    .replace(/^are /, "is ")
    .replace(/^have /, "has ");
}
