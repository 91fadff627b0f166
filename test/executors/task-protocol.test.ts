import { describe, expect, it } from "vitest";
import { parseProtocolLine, ProtocolParser, type ProtocolEvent } from "../../src/executors/task-protocol.js";

function collect(chunks: (string | Buffer)[], maxLine?: number): ProtocolEvent[] {
  const events: ProtocolEvent[] = [];
  const parser = new ProtocolParser((e) => events.push(e), maxLine);
  for (const c of chunks) parser.push(c);
  parser.end();
  return events;
}

describe("parseProtocolLine", () => {
  it("ignores ordinary output", () => {
    expect(parseProtocolLine("hello")).toBeUndefined();
    expect(parseProtocolLine(" ::conveyor progress 0.5")).toBeUndefined();
    expect(parseProtocolLine("::conveyorish progress 0.5")).toBeUndefined();
  });

  it("reads progress as a fraction or a percentage, with an optional message", () => {
    expect(parseProtocolLine("::conveyor progress 0.25")).toEqual({ kind: "progress", fraction: 0.25 });
    expect(parseProtocolLine("::conveyor progress 1")).toEqual({ kind: "progress", fraction: 1 });
    expect(parseProtocolLine("::conveyor progress 40% linking  the  app ")).toEqual({
      kind: "progress",
      fraction: 0.4,
      message: "linking  the  app",
    });
  });

  it("reads a JSON result", () => {
    expect(parseProtocolLine('::conveyor result {"files":["a","b"],"n":2}')).toEqual({
      kind: "result",
      value: { files: ["a", "b"], n: 2 },
    });
    expect(parseProtocolLine("::conveyor result null")).toEqual({ kind: "result", value: null });
  });

  it.each([
    ["::conveyor progress", "progress needs"],
    ["::conveyor progress 1.5", "above 1"],
    ["::conveyor progress 150%", "above 1"],
    ["::conveyor progress -0.1", "progress needs"],
    ["::conveyor progress half", "progress needs"],
    ["::conveyor result", "needs a JSON value"],
    ["::conveyor result {oops", "not valid JSON"],
    ["::conveyor finish", 'unknown directive "finish"'],
  ])("reports %j as malformed", (line, reason) => {
    const event = parseProtocolLine(line);
    expect(event).toMatchObject({ kind: "malformed", line });
    expect((event as { reason: string }).reason).toContain(reason);
  });
});

describe("ProtocolParser", () => {
  it("joins lines split across chunks, including inside a UTF-8 character", () => {
    const bytes = Buffer.from("noise\n::conveyor progress 0.5 héllo\r\n::conveyor res");
    const events = collect([bytes.subarray(0, 30), bytes.subarray(30), 'ult {"ok":true}\n']);
    expect(events).toEqual([
      { kind: "progress", fraction: 0.5, message: "héllo" },
      { kind: "result", value: { ok: true } },
    ]);
  });

  it("finds every protocol line among many ordinary ones, whatever the chunks, and only whole lines that start with the prefix", () => {
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      if (i % 997 === 0) lines.push(`::conveyor progress ${i / 3000}`);
      else if (i % 101 === 0) lines.push(`not at the start ::conveyor progress 0.9`);
      else lines.push(`line ${i} ${"x".repeat(i % 50)}`);
    }
    const text = lines.join("\n") + "\n::conveyor result 7\n";
    const want: ProtocolEvent[] = [
      ...[0, 997, 1994, 2991].map((i): ProtocolEvent => ({ kind: "progress", fraction: i / 3000 })),
      { kind: "result", value: 7 },
    ];
    // one chunk, and chunks cut at every 4,093 characters (through prefixes and newlines alike)
    expect(collect([text])).toEqual(want);
    const cut: string[] = [];
    for (let i = 0; i < text.length; i += 4093) cut.push(text.slice(i, i + 4093));
    expect(collect(cut)).toEqual(want);
    // a prefix split between two chunks, right after ordinary lines
    expect(collect(["a\nb\n::conv", "eyor progress 0.5\nc\n"])).toEqual([{ kind: "progress", fraction: 0.5 }]);
  });

  it("reads a last line that has no newline", () => {
    expect(collect(["::conveyor result 42"])).toEqual([{ kind: "result", value: 42 }]);
  });

  it("does not buffer long ordinary lines, and recovers on the next line", () => {
    const long = "x".repeat(100_000);
    expect(collect([long, long, "\n::conveyor progress 10%\n"], 1000)).toEqual([{ kind: "progress", fraction: 0.1 }]);
  });

  it("drops an over-long unfinished protocol line as malformed, then carries on", () => {
    const events = collect(["::conveyor result ", '"' + "y".repeat(2000), '"\n', "::conveyor progress 1\n"], 1000);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ kind: "malformed", reason: "line longer than 1000 characters" });
    expect((events[0] as { line: string }).line.length).toBeLessThan(300);
    expect(events[1]).toEqual({ kind: "progress", fraction: 1 });
  });
});
