// Shared subscription payloads encoded once: each message gets its own payload's
// bytes back, whatever was stringified between its stringify and its send.
import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { SharedFrames } from "../../src/api/fast/shared-frames.js";

const message = (frames: SharedFrames, id: string, json: string) =>
  JSON.stringify({ id, type: "next", payload: { data: { shared: true } } }, (key, value: unknown) =>
    key === "data" ? frames.placeholder(json) : value,
  );

describe("SharedFrames", () => {
  it("splices each message's own payload, even when others were stringified before it is sent", async () => {
    const frames = new SharedFrames();
    const a = JSON.stringify({ runEvents: [{ seq: 1, note: 'a \u0000 "quoted"' }] });
    const b = JSON.stringify({ runEvents: [{ seq: 2 }] });
    const m1 = message(frames, "1", a);
    const m2 = message(frames, "2", b);
    const m3 = message(frames, "3", a);
    await Promise.resolve(); // a send a few microtasks later
    for (const [m, json, id] of [
      [m2, b, "2"],
      [m1, a, "1"],
      [m3, a, "3"],
    ] as const) {
      expect(JSON.parse(frames.splice(m)!.toString())).toEqual({ id, type: "next", payload: { data: JSON.parse(json) } });
    }
  });

  it("leaves other messages alone", () => {
    const frames = new SharedFrames();
    expect(frames.splice(JSON.stringify({ type: "complete", id: "1" }))).toBeUndefined();
    expect(frames.splice(JSON.stringify({ payload: { data: { text: "\u0000shared-not-ours-1" } } }))).toBeUndefined();
  });

  it("refuses a message sent after its turn of the event loop, rather than send it wrong", async () => {
    const frames = new SharedFrames();
    const m = message(frames, "1", "{}");
    await nextTurn();
    expect(() => frames.splice(m)).toThrow("a shared subscription result was sent after its turn of the event loop");
  });
});
