// Text that cannot be stored or shown as given. PostgreSQL's text (and jsonb)
// cannot hold U+0000, so a NUL anywhere in a run's input is refused up front,
// naming where it is, instead of failing deep in a write. Long values are cut
// before they go into a message, so an error never echoes a huge input.
import { InvalidOptionError } from "./errors.js";

/** `text` itself when short, else its first `max` characters and how many more there were. */
export function brief(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

const NUL = "\u0000";

/** Where the first string (or object key) holding a NUL sits inside `value`, as a path from `root`; undefined if none. */
export function nulPath(value: unknown, root: string): string | undefined {
  // iterative: a deeply nested input must not exhaust the stack here
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === "string") {
      if (v.includes(NUL)) return path;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`]);
    } else if (v !== null && typeof v === "object") {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, inner] = entries[i]!;
        if (k.includes(NUL)) return path;
        stack.push([inner, path ? `${path}.${k}` : k]);
      }
    }
  }
  return undefined;
}

export const NUL_MESSAGE = "holds a NUL character (U+0000), which cannot be stored";

/** Throws InvalidOptionError naming the first field of `value` that holds a NUL. */
export function refuseNul(value: unknown, root: string): void {
  const at = nulPath(value, root);
  if (at !== undefined) throw new InvalidOptionError(brief(at, 120), NUL_MESSAGE);
}
