// A span exporter whose serializing and sending happen on a thread of their own
// (thread.ts): the engine's thread only turns finished spans into data (wire.ts)
// and posts them. Results come back as the SDK's ExportResult, so the batch
// processor retries, drops and reports as it would with the exporter in-thread.
import { diag } from "@opentelemetry/api";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { Worker } from "node:worker_threads";
import { siblingWorker } from "../../runtime/sibling-module.js";
import type { TracingSettings } from "../tracing-settings.js";
import { toWire, type FromThread, type Reply, type Request } from "./wire.js";

type Outgoing = Request extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

export class ThreadExporter implements SpanExporter {
  private readonly worker: Worker;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  private nextId = 1;
  private stopped = false;

  constructor(settings: TracingSettings) {
    this.worker = siblingWorker(import.meta.url, "thread", settings);
    this.worker.on("message", (reply: FromThread) => {
      // the thread's diag warnings go where this thread's go (openTracing points them at the log)
      if ("op" in reply) return void diag[reply.level](reply.message, ...reply.details);
      const done = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      done?.(reply);
    });
    // a thread that died fails what it still had, and everything after
    const gone = (why: string) => {
      this.stopped = true;
      for (const [id, done] of this.pending) done({ id, code: ExportResultCode.FAILED, error: why });
      this.pending.clear();
    };
    this.worker.on("error", (err) => gone(`the span export thread failed: ${err.message}`));
    this.worker.on("exit", (code) => gone(`the span export thread exited (code ${code})`));
    this.worker.unref();
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.send({ op: "export", batch: toWire(spans) }).then((r) =>
      resultCallback(
        r.code === ExportResultCode.SUCCESS ? { code: r.code } : { code: r.code, error: new Error(r.error ?? "export failed") },
      ),
    );
  }

  async forceFlush(): Promise<void> {
    const r = await this.send({ op: "flush" });
    if (r.code !== ExportResultCode.SUCCESS) throw new Error(r.error);
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    await this.send({ op: "shutdown" });
    this.stopped = true;
    await this.worker.terminate();
  }

  /** Resolves with the thread's reply; a request in flight keeps the process alive, an idle thread does not. */
  private send(req: Outgoing): Promise<Reply> {
    const id = this.nextId++;
    if (this.stopped) return Promise.resolve({ id, code: ExportResultCode.FAILED, error: "the span export thread is stopped" });
    this.worker.ref();
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      try {
        this.worker.postMessage({ ...req, id });
      } catch (err) {
        // an attribute that cannot be copied (spans hold plain values; this is a guard): this batch fails, nothing else
        this.pending.delete(id);
        if (this.pending.size === 0) this.worker.unref();
        resolve({ id, code: ExportResultCode.FAILED, error: `cannot send spans to the export thread: ${(err as Error).message}` });
      }
    });
  }
}
