// Small replacements in a JSON text, laid out like the text around them.
import type { ObjectNode } from "./json-spans.js";

export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Applies non-overlapping edits; insertions at one place come out in the order given. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const order = edits.map((e, i) => ({ e, i })).sort((a, b) => b.e.start - a.e.start || b.i - a.i);
  let out = text;
  for (const { e } of order) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/**
 * Sets `key` to the JSON text `json`: replaces its value where it exists, else
 * appends it after the last member with that member's indentation and colon
 * spacing (where Task Master's own writes put a new key, e.g. updatedAt).
 */
export function setMember(text: string, obj: ObjectNode, key: string, json: string): Edit {
  const found = obj.entries.find((e) => e.key === key);
  if (found) return { start: found.value.start, end: found.value.end, text: json };
  const last = obj.entries[obj.entries.length - 1];
  if (!last) return { start: obj.start + 1, end: obj.start + 1, text: `${JSON.stringify(key)}: ${json}` };
  let k = last.keyStart;
  while (k > obj.start && /\s/.test(text[k - 1]!)) k--;
  const indent = text.slice(k, last.keyStart) || " ";
  const colon = text.slice(last.keyEnd, last.value.start);
  return { start: last.value.end, end: last.value.end, text: `,${indent}${JSON.stringify(key)}${colon}${json}` };
}
