// A JSON value with the character range of every part, so that a write-back
// can replace one status string in the user's text and leave every other byte
// (key order, indentation, number spellings, escapes) exactly as it was.
// Call it on text JSON.parse has accepted: it does not report syntax errors.

export type JsonNode = ObjectNode | ArrayNode | ScalarNode;
export interface ObjectNode {
  kind: "object";
  start: number;
  end: number;
  entries: { key: string; keyStart: number; keyEnd: number; value: JsonNode }[];
}
export interface ArrayNode {
  kind: "array";
  start: number;
  end: number;
  items: JsonNode[];
}
export interface ScalarNode {
  kind: "scalar";
  start: number;
  end: number;
  value: string | number | boolean | null;
}

const SCALAR = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
const SPACE = /[ \t\n\r]*/y;

export function parseSpans(text: string): JsonNode {
  let i = 0;
  const skip = (): void => {
    SPACE.lastIndex = i;
    SPACE.test(text);
    i = SPACE.lastIndex;
  };
  const value = (): JsonNode => {
    skip();
    const start = i;
    const c = text[i];
    if (c === "{") {
      i++;
      const entries: ObjectNode["entries"] = [];
      for (skip(); text[i] !== "}"; skip()) {
        if (text[i] === ",") {
          i++;
          skip();
        }
        const keyStart = i;
        const key = (value() as ScalarNode).value as string;
        const keyEnd = i;
        skip();
        i++; // the colon
        entries.push({ key, keyStart, keyEnd, value: value() });
      }
      return { kind: "object", start, end: ++i, entries };
    }
    if (c === "[") {
      i++;
      const items: JsonNode[] = [];
      for (skip(); text[i] !== "]"; skip()) {
        if (text[i] === ",") i++;
        items.push(value());
      }
      return { kind: "array", start, end: ++i, items };
    }
    SCALAR.lastIndex = i;
    const m = SCALAR.exec(text);
    if (!m) throw new SyntaxError(`not JSON at ${i}`);
    i = SCALAR.lastIndex;
    return { kind: "scalar", start, end: i, value: JSON.parse(m[0]) as ScalarNode["value"] };
  };
  return value();
}

export function member(node: JsonNode | undefined, key: string): JsonNode | undefined {
  return node?.kind === "object" ? node.entries.find((e) => e.key === key)?.value : undefined;
}
