import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import type { ExecutionRequest } from "../../src/engine/executor.js";
import { InProcessExecutor } from "../../src/executors/in-process.js";

function request(overrides: Partial<ExecutionRequest> = {}): ExecutionRequest {
  return { runId: "r", taskId: "1", title: "t", definition: {}, attempt: 1, signal: new AbortController().signal, ...overrides };
}

const never = (): Promise<never> => new Promise(() => {});

describe("InProcessExecutor", () => {
  it("turns returned and resolved values into the result", async () => {
    expect(await new InProcessExecutor(() => ({ n: 1 })).execute(request())).toEqual({ ok: true, exitCode: 0, result: { n: 1 } });
    expect(await new InProcessExecutor(async (r) => r.taskId).execute(request())).toEqual({ ok: true, exitCode: 0, result: "1" });
    expect(await new InProcessExecutor(() => undefined).execute(request())).toEqual({ ok: true, exitCode: 0 });
  });

  it("turns throws and rejections into failed outcomes", async () => {
    const sync = new InProcessExecutor(() => {
      throw new Error("boom");
    });
    expect(await sync.execute(request())).toEqual({ ok: false, exitCode: null, error: "boom" });
    expect(await new InProcessExecutor(() => Promise.reject("bad")).execute(request())).toMatchObject({ ok: false, error: "bad" });
  });

  it("picks the function by task id, with a fallback", async () => {
    const executor = new InProcessExecutor({ tasks: { a: () => "A" }, fallback: () => "default" });
    expect((await executor.execute(request({ taskId: "a" }))).result).toBe("A");
    expect((await executor.execute(request({ taskId: "b" }))).result).toBe("default");
    expect(await new InProcessExecutor({ tasks: {} }).execute(request({ taskId: "toString" }))).toMatchObject({
      ok: false,
      error: "no function for task toString",
    });
  });

  it("times out a function that ignores its signal, and aborts the signal it was given", async () => {
    let seen: AbortSignal | undefined;
    const executor = new InProcessExecutor((r) => {
      seen = r.signal;
      return never();
    });
    const started = Date.now();
    const outcome = await executor.execute(request({ timeoutMs: 50 }));
    expect(Date.now() - started).toBeLessThan(500);
    expect(outcome).toEqual({ ok: false, exitCode: null, timedOut: true, error: "timed out after 50 ms" });
    expect(seen?.aborted).toBe(true);
  });

  it("settles cancelled when the run is cancelled, even if the function ignores it", async () => {
    const controller = new AbortController();
    const pending = new InProcessExecutor(never).execute(request({ signal: controller.signal, timeoutMs: 10_000 }));
    setTimeout(() => controller.abort(), 10);
    expect(await pending).toEqual({ ok: false, exitCode: null, cancelled: true, error: "cancelled" });
    expect(await new InProcessExecutor(() => 1).execute(request({ signal: AbortSignal.abort() }))).toMatchObject({ cancelled: true });
  });

  it("settles cancelled when the function itself triggers the cancel", async () => {
    const controller = new AbortController();
    const executor = new InProcessExecutor(() => {
      controller.abort();
      return never();
    });
    expect(await executor.execute(request({ signal: controller.signal }))).toMatchObject({ cancelled: true });
  });

  it("leaves no abort listener or timer behind", async () => {
    const controller = new AbortController();
    const timers = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const executor = new InProcessExecutor(async () => 1);
    for (let i = 0; i < 100; i++) await executor.execute(request({ signal: controller.signal, timeoutMs: 1000 }));
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    expect(process.getActiveResourcesInfo().filter((r) => r === "Timeout").length).toBe(timers);
  });

  it("runs 10,000 no-op tasks quickly", async () => {
    const executor = new InProcessExecutor(() => undefined);
    const r = request();
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) await executor.execute(r);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
