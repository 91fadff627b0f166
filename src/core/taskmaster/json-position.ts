// JSON.parse in Node 20 often reports a syntax error without a position
// ("Unexpected token '}', ... is not valid JSON"). When it fails, this scanner
// walks the text once more to say where: line, column and what was expected.
// It is iterative (an explicit stack), so deep nesting cannot overflow.

export interface JsonErrorLocation {
  offset: number;
  line: number;
  column: number;
  reason: string;
}

// eslint-disable-next-line no-control-regex -- JSON strings may not hold raw control characters
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;

type Expect = "value" | "firstValue" | "key" | "firstKey" | "colon" | "next" | "end";

/** Locates the first syntax error in `text`; undefined if it is valid JSON. */
export function locateJsonError(text: string): JsonErrorLocation | undefined {
  const stack: ("]" | "}")[] = [];
  let i = 0;
  let expect: Expect = "value";
  const fail = (reason: string): JsonErrorLocation => ({ ...lineAndColumn(text, i), offset: i, reason });
  const match = (re: RegExp): boolean => {
    re.lastIndex = i;
    if (!re.test(text)) return false;
    i = re.lastIndex;
    return true;
  };
  const afterValue = (): Expect => (stack.length ? "next" : "end");

  for (;;) {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
    const c = text[i];
    if (expect === "end") return c === undefined ? undefined : fail(`unexpected ${show(c)} after the JSON value`);
    if (c === undefined) return fail("unexpected end of input");
    const close = stack[stack.length - 1];
    if ((expect === "firstValue" || expect === "firstKey") && c === close) {
      stack.pop();
      i++;
      expect = afterValue();
    } else if (expect === "value" || expect === "firstValue") {
      if (c === "[" || c === "{") {
        stack.push(c === "[" ? "]" : "}");
        i++;
        expect = c === "[" ? "firstValue" : "firstKey";
      } else if (match(STRING) || match(NUMBER) || match(LITERAL)) {
        expect = afterValue();
      } else {
        return fail(c === '"' ? "invalid string" : `unexpected ${show(c)}, expected a value`);
      }
    } else if (expect === "key" || expect === "firstKey") {
      if (c !== '"') return fail(`unexpected ${show(c)}, expected a property name in double quotes`);
      if (!match(STRING)) return fail("invalid string");
      expect = "colon";
    } else if (expect === "colon") {
      if (c !== ":") return fail(`unexpected ${show(c)}, expected ':'`);
      i++;
      expect = "value";
    } else if (c === ",") {
      i++;
      expect = close === "]" ? "value" : "key";
    } else if (c === close) {
      stack.pop();
      i++;
      expect = afterValue();
    } else {
      return fail(`unexpected ${show(c)}, expected ',' or '${close}'`);
    }
  }
}

function show(c: string): string {
  return c === "\n" ? "line break" : `'${c}'`;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = text.indexOf("\n"); k !== -1 && k < offset; k = text.indexOf("\n", k + 1)) {
    line++;
    lineStart = k + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
