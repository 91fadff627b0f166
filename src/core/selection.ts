// Which tasks to run, as people type it: "1-5, 8, 10.2", or a JSON array when
// ids are slugs. Returns canonical ids, first-seen order, duplicates dropped.
import { EmptySelectionError, InvalidOptionError, InvalidSelectionError } from "./errors.js";
import { canonicalId } from "./taskmaster/ids.js";

export const DEFAULT_SELECTION_LIMIT = 100_000;

/**
 * A string starting with "[" is a JSON array; any other string is a range
 * spec: comma-separated `N`, `N-M` (inclusive) or subtask `N.M`, whitespace
 * allowed around every number and separator. Array elements are positive
 * integers or non-empty strings taken as literal ids (so "42-1" is an id, not
 * a range). Non-integer numbers such as 1.5 are rejected rather than read as
 * subtask "1.5", since JSON cannot tell 1.10 from 1.1.
 * At most `limit` ids (default 100,000), checked before any range is expanded.
 */
export function parseSelection(input: string | readonly (string | number)[], opts: { limit?: number } = {}): string[] {
  const limit = opts.limit ?? DEFAULT_SELECTION_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new InvalidOptionError("limit", "must be a positive integer");
  if (typeof input !== "string") return fromList(input, limit);
  const text = input.trim();
  return text.startsWith("[") ? fromList(parseJsonArray(text), limit) : fromSpec(text, limit);
}

type Token = { kind: "range"; from: number; to: number } | { kind: "subtask"; id: string };

function fromSpec(text: string, limit: number): string[] {
  if (text === "") throw new EmptySelectionError();
  const tokens: Token[] = [];
  let total = 0;
  text.split(",").forEach((raw, i) => {
    const token = parseToken(raw.trim(), i);
    total += token.kind === "range" ? token.to - token.from + 1 : 1;
    if (total > limit) {
      throw new InvalidSelectionError(`${raw.trim()}: the selection would exceed ${limit} tasks`, raw.trim());
    }
    tokens.push(token);
  });
  const ids = new Set<string>();
  for (const t of tokens) {
    if (t.kind === "subtask") ids.add(t.id);
    else for (let n = t.from; n <= t.to; n++) ids.add(String(n));
  }
  return [...ids];
}

function parseToken(token: string, position: number): Token {
  const bad = (why: string): never => {
    throw new InvalidSelectionError(token === "" ? why : `${token}: ${why}`, token);
  };
  if (token === "") bad(`empty item #${position + 1} in the selection (two commas in a row, or a comma at an end)`);
  if (/^-\s*\d/.test(token)) bad("negative numbers are not task ids");
  let m = /^(\d+)\s*-\s*(\d+)$/.exec(token);
  if (m) {
    const [from, to] = [positive(m[1]!, bad), positive(m[2]!, bad)];
    if (from > to) bad("range start is greater than its end");
    return { kind: "range", from, to };
  }
  m = /^(\d+)\s*\.\s*(\d+)$/.exec(token);
  if (m) return { kind: "subtask", id: `${positive(m[1]!, bad)}.${positive(m[2]!, bad)}` };
  if (/^\d+$/.test(token)) {
    const n = positive(token, bad);
    return { kind: "range", from: n, to: n };
  }
  return bad(`not a task id, range (N-M) or subtask id (N.M); slugs must be given as a JSON array, e.g. ["${token}"]`);
}

function positive(digits: string, bad: (why: string) => never): number {
  const n = Number(digits);
  if (n === 0) bad("task ids start at 1");
  if (!Number.isSafeInteger(n)) bad("number too large");
  return n;
}

function parseJsonArray(text: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InvalidSelectionError(`the selection is not a valid JSON array: ${(e as Error).message}`, text);
  }
  if (!Array.isArray(value)) throw new InvalidSelectionError("the selection is not a JSON array", text);
  return value;
}

function fromList(list: readonly unknown[], limit: number): string[] {
  if (list.length === 0) throw new EmptySelectionError();
  if (list.length > limit) {
    throw new InvalidSelectionError(`the selection has ${list.length} ids, more than ${limit}`, `[${list.length} ids]`);
  }
  const ids = new Set<string>();
  list.forEach((el, i) => {
    const bad = (why: string): never => {
      const shown = typeof el === "string" ? JSON.stringify(el) : String(JSON.stringify(el) ?? el);
      throw new InvalidSelectionError(`element ${i} (${shown}): ${why}`, shown);
    };
    if (typeof el === "number") {
      if (!Number.isInteger(el)) {
        bad(Number.isFinite(el) ? `write subtask ids as strings, e.g. "${el}"` : "not a task id");
      }
      if (el < 1) bad("task ids start at 1");
      if (!Number.isSafeInteger(el)) bad("number too large");
      ids.add(String(el));
    } else if (typeof el === "string") {
      if (el.trim() === "") bad("empty id");
      ids.add(canonicalId(el));
    } else {
      bad("ids must be positive integers or non-empty strings");
    }
  });
  return [...ids];
}
