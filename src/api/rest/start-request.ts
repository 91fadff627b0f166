// POST /api/workflows/multi-task's body as the API's one StartRunRequest (taskmaster-sync/start-request.ts). Options come in
// snake_case (or camelCase) beside the selection or under `options`; every key
// is checked here against the options schema, so an unknown one is named as the
// client spelled it (`max_paralel`, with `max_parallel` suggested), and the
// spelling of each accepted one is kept to name it in later errors too.
import { InvalidOptionError } from "../../core/errors.js";
import { retryPolicySchema, runOptionsSchema } from "../../core/run-options.js";
import { HttpError } from "../http/io.js";
import type { StartRunRequest } from "../../taskmaster-sync/start-request.js";
import { closeName } from "./close-name.js";
import { toCamel, toSnake } from "./snake.js";

/** Keys of the start request that are not run options. */
export const SOURCE_KEYS = ["task_list", "task_range", "tasks_file", "tag", "tasks", "options"] as const;

const OPTION_KEYS = Object.keys(runOptionsSchema.shape);
const RETRY_KEYS = Object.keys(retryPolicySchema.shape);

/** The client's spelling of each option path the domain names ("retry.retryLimit" -> "options.retry.retry_limit"). */
export type Spelling = Map<string, string>;

export interface ParsedStart {
  request: StartRunRequest;
  spelling: Spelling;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function unknownKey(at: string, key: string, known: readonly string[]): HttpError {
  const suggestion = closeName(toSnake(toCamel(key)), known.map(toSnake));
  const field = `${at}${key}`;
  return new HttpError(400, `${field}: unknown option${suggestion ? `; did you mean ${at}${suggestion}?` : ""}`, "INVALID_OPTION", {
    field,
    ...(suggestion ? { suggestion: `${at}${suggestion}` } : {}),
  });
}

/** Options given at `at` ("" or "options."), camelCased into `into`, with their spelling recorded. */
function takeOptions(
  given: Record<string, unknown>,
  at: string,
  into: Record<string, unknown>,
  spelling: Spelling,
  extra: readonly string[] = [],
): void {
  for (const [key, value] of Object.entries(given)) {
    const name = toCamel(key);
    if (!OPTION_KEYS.includes(name)) throw unknownKey(at, key, [...OPTION_KEYS, ...extra]);
    const earlier = spelling.get(name);
    if (earlier !== undefined) throw new InvalidOptionError(`${at}${key}`, `given twice (also as ${earlier})`);
    spelling.set(name, `${at}${key}`);
    if (name === "retry" && isObject(value)) {
      const retry: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const n = toCamel(k);
        if (!RETRY_KEYS.includes(n)) throw unknownKey(`${at}${key}.`, k, RETRY_KEYS);
        if (spelling.has(`retry.${n}`))
          throw new InvalidOptionError(`${at}${key}.${k}`, `given twice (also as ${spelling.get(`retry.${n}`)})`);
        spelling.set(`retry.${n}`, `${at}${key}.${k}`);
        retry[n] = v;
      }
      into.retry = retry;
    } else into[name] = value;
  }
}

export function parseStartRequest(b: Record<string, unknown>, hasDefaultTasksFile: boolean): ParsedStart {
  if (b.task_list !== undefined && !Array.isArray(b.task_list)) throw new InvalidOptionError("task_list", "must be an array of task ids");
  if (b.task_range !== undefined && typeof b.task_range !== "string")
    throw new InvalidOptionError("task_range", "must be a string such as 1-100");
  if (b.task_list !== undefined && b.task_range !== undefined)
    throw new InvalidOptionError("task_range", "give either task_range or task_list, not both");
  if (b.tasks_file !== undefined && typeof b.tasks_file !== "string") throw new InvalidOptionError("tasks_file", "must be a path");
  if (b.tag !== undefined && typeof b.tag !== "string") throw new InvalidOptionError("tag", "must be a string");
  if (b.tasks !== undefined && !Array.isArray(b.tasks))
    throw new InvalidOptionError("tasks", "must be an array of task definitions or ids");
  if (b.tasks !== undefined && b.tasks_file !== undefined)
    throw new InvalidOptionError("tasks", "give either tasks or tasks_file, not both");
  if (b.tasks === undefined && b.tasks_file === undefined && !hasDefaultTasksFile) {
    throw new InvalidOptionError("tasks_file", "give tasks_file or tasks (this server has no default tasks file)");
  }
  if (b.options !== undefined && !isObject(b.options)) throw new InvalidOptionError("options", "must be an object");

  const spelling: Spelling = new Map();
  const options: Record<string, unknown> = {};
  const topLevel = Object.fromEntries(Object.entries(b).filter(([k]) => !(SOURCE_KEYS as readonly string[]).includes(k)));
  takeOptions(topLevel, "", options, spelling, SOURCE_KEYS);
  takeOptions((b.options as Record<string, unknown> | undefined) ?? {}, "options.", options, spelling);
  return {
    request: {
      ...(b.tasks_file !== undefined ? { tasksFile: b.tasks_file as string } : {}),
      ...(b.tag !== undefined ? { tag: b.tag as string } : {}),
      ...(b.tasks !== undefined ? { inline: b.tasks } : {}),
      ...(b.task_range !== undefined ? { selection: b.task_range as string } : {}),
      ...(b.task_list !== undefined ? { taskIds: b.task_list as (string | number)[] } : {}),
      options,
    },
    spelling,
  };
}

/** The request's names for what the shared services call by their own. */
const SOURCE_FIELDS: Record<string, string> = {
  tasksFile: "tasks_file",
  inline: "tasks",
  selection: "task_range",
  taskIds: "task_list",
  source: "tasks_file",
};

/** A field the domain named ("retry.retryLimit", "tasksFile", "inline[0].title") as this client spelled it. */
export function clientField(field: string, spelling: Spelling): string {
  const whole = spelling.get(field) ?? SOURCE_FIELDS[field];
  if (whole !== undefined) return whole;
  const [, head = "", rest = ""] = /^([A-Za-z]+)(.*)$/s.exec(field) ?? [];
  // inside the client's own data (inline tasks) the keys are the client's: only the head is renamed
  if (SOURCE_FIELDS[head] !== undefined) return `${SOURCE_FIELDS[head]}${rest}`;
  // inside an option the keys are the options schema's, snake_case on this side
  const option = spelling.get(head);
  if (option !== undefined) return `${option}${rest.replace(/\.([A-Za-z]+)/g, (_, k: string) => `.${toSnake(k)}`)}`;
  return field; // already the request's own (tasks[0].title, attempt)
}

/** An InvalidOptionError from the shared services, renamed for this client: message and field alike. */
export function respelled(err: InvalidOptionError, spelling: Spelling): InvalidOptionError {
  const field = clientField(err.field, spelling);
  if (field === err.field) return err;
  const reason = err.message.startsWith(`${err.field}: `) ? err.message.slice(err.field.length + 2) : err.message;
  return new InvalidOptionError(field, reason);
}
