// A child span made without the SDK's live span machinery: the engine's spans
// (an attempt, a backoff, a commit, a checkpoint) are children of a recorded,
// sampled parent, set their attributes once and end once, so they need no
// context lookup, sampler, span limits or per-span bookkeeping. This object is
// the finished span itself (a ReadableSpan), handed to the span processor when
// it ends. Making and ending an attempt span: 3.0 µs of CPU through the SDK,
// 0.85 µs here (docs/tracing.md, "What it costs").
import { randomFillSync } from "node:crypto";
import { SpanKind, SpanStatusCode, TraceFlags, type Attributes, type HrTime, type SpanContext, type SpanStatus } from "@opentelemetry/api";
import { millisToHrTime, type InstrumentationScope } from "@opentelemetry/core";
import type { Resource } from "@opentelemetry/resources";
import type { ReadableSpan, SpanProcessor, TimedEvent } from "@opentelemetry/sdk-trace-base";
import type { TraceAttributes, TraceSpan } from "../engine/tracing.js";

/** What a parent hands its lite children: its context, and the resource and scope they share. */
export interface LiteParent {
  readonly context: SpanContext;
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
  readonly processor: SpanProcessor;
}

// span ids from a pool of random bytes: one getrandom per 256 ids instead of one per span
const pool = Buffer.alloc(2048);
let poolAt = pool.length;
function spanId(): string {
  for (;;) {
    if (poolAt === pool.length) {
      randomFillSync(pool);
      poolAt = 0;
    }
    const id = pool.toString("hex", poolAt, (poolAt += 8));
    if (id !== "0000000000000000") return id; // all zeros is the invalid span id
  }
}

const NOTHING: never[] = [];
const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });
const now = () => performance.timeOrigin + performance.now();

// A span lives from its start until its batch is exported, long enough to be copied by young
// collections: it keeps numbers and strings, and the objects the exporter reads (HrTime arrays,
// its context) are made when read, so that they die young (collection work was half of what a
// traced task cost the engine beyond an untraced one).
export class LiteSpan implements TraceSpan, ReadableSpan, LiteParent {
  readonly kind = SpanKind.INTERNAL;
  readonly parentSpanContext: SpanContext;
  status: SpanStatus = UNSET;
  readonly links = NOTHING;
  events: TimedEvent[] = NOTHING;
  ended = false;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;
  readonly processor: SpanProcessor;
  private readonly id = spanId();
  private readonly startMs: number;
  private endMs = 0;
  private parent: string | undefined;

  /** `attributes` becomes the span's own (the engine passes a fresh object each time). */
  constructor(
    from: LiteParent,
    readonly name: string,
    readonly attributes: Attributes,
    at?: number,
  ) {
    this.parentSpanContext = from.context;
    this.resource = from.resource;
    this.instrumentationScope = from.scope;
    this.processor = from.processor;
    this.startMs = at ?? now();
  }

  get context(): SpanContext {
    return { traceId: this.parentSpanContext.traceId, spanId: this.id, traceFlags: TraceFlags.SAMPLED };
  }

  get scope(): InstrumentationScope {
    return this.instrumentationScope;
  }

  get startTime(): HrTime {
    return millisToHrTime(this.startMs);
  }

  get endTime(): HrTime {
    return millisToHrTime(this.endMs);
  }

  get duration(): HrTime {
    return millisToHrTime(this.endMs - this.startMs);
  }

  spanContext(): SpanContext {
    return this.context;
  }

  get traceparent(): string {
    return (this.parent ??= `00-${this.parentSpanContext.traceId}-${this.id}-01`);
  }

  event(name: string, attributes?: TraceAttributes, at?: number): void {
    if (this.ended) return;
    if (this.events === NOTHING) this.events = [];
    this.events.push({ name, attributes: attributes ?? {}, time: millisToHrTime(at ?? now()), droppedAttributesCount: 0 });
  }

  setAttributes(attributes: TraceAttributes): void {
    if (!this.ended) Object.assign(this.attributes, attributes);
  }

  end(outcome: { error?: string } = {}, at?: number): void {
    if (this.ended) return;
    this.ended = true;
    if (outcome.error !== undefined) this.status = { code: SpanStatusCode.ERROR, message: outcome.error };
    // an end given before the start (clocks of different sources) is clamped, as the SDK does
    this.endMs = Math.max(this.startMs, at ?? now());
    this.processor.onEnd(this);
  }
}
