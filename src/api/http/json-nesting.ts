// How deeply a JSON text nests arrays and objects, read from its bytes before
// it is parsed. JSON.parse copes with deep nesting, but what walks the value
// afterwards (GraphQL's input coercion, JSON.stringify into the store) recurses
// and would overflow the stack on a body of "[[[[...": such a body is refused
// with 400 first. One pass over the bytes, strings skipped.
import { HttpError } from "./http-error.js";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** True when `body` opens more than `max` arrays or objects at once. */
export function nestsDeeperThan(body: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const b = body[i]!;
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) depth--;
  }
  return false;
}

export function refuseDeepJson(body: Uint8Array, max: number): void {
  if (nestsDeeperThan(body, max)) throw new HttpError(400, `the JSON body nests arrays or objects more than ${max} deep`, "JSON_TOO_DEEP");
}

/** The same bound on a value already parsed (a graphql-ws message's variables), walked without recursion. */
export function valueNestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth + 1 > max) return true;
    for (const inner of Array.isArray(v) ? v : Object.values(v)) stack.push([inner, depth + 1]);
  }
  return false;
}
