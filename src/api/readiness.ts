// What /readyz answers. Ready means "send me traffic": the database answers
// (without it nothing can be served: 503). An optional dependency that is down
// (Redis: this replica still serves from the database, and subscribers catch
// up from it) makes the replica degraded, not unready: still 200, with the
// reason in the body and in conveyor_degraded{reason}. Were Redis to make every
// replica unready, a Service would take all of them out at once.
import { Gauge } from "prom-client";
import type { ApiMetrics } from "../observability/metrics.js";

export type Check = () => Promise<void>;

export interface Readiness {
  ready: boolean;
  /** Why not ready (the database, shutting down). */
  reason?: string;
  /** Optional dependencies that are down, each with what it said. */
  degraded: Record<string, string>;
}

const CHECK_TIMEOUT_MS = 2_000;

/** Resolves with the failure's message, or null when `check` passed within the timeout. */
async function failure(check: Check): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
  }
}

export class ReadinessProbe {
  private readonly gauge: Gauge<"reason"> | undefined;

  constructor(
    private readonly required: Check[],
    private readonly optional: Record<string, Check>,
    metrics?: ApiMetrics,
  ) {
    // prom-client calls collect() with the gauge as `this`: the probe is reached through a closure
    const degraded = () => this.degraded();
    this.gauge = metrics
      ? new Gauge({
          registers: [metrics.registry],
          name: "conveyor_degraded",
          help: "1 while an optional dependency (label reason, e.g. redis) is down: the replica still serves, degraded",
          labelNames: ["reason"],
          async collect() {
            await degraded();
          },
        })
      : undefined;
    for (const reason of Object.keys(optional)) this.gauge?.set({ reason }, 0);
  }

  /** The optional dependencies that are down now (and the gauge set to match). */
  async degraded(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    await Promise.all(
      Object.entries(this.optional).map(async ([reason, check]) => {
        const why = await failure(check);
        this.gauge?.set({ reason }, why === null ? 0 : 1);
        if (why !== null) out[reason] = why;
      }),
    );
    return out;
  }

  async check(): Promise<Readiness> {
    const [required, degraded] = await Promise.all([Promise.all(this.required.map(failure)), this.degraded()]);
    const reason = required.find((r) => r !== null);
    return reason ? { ready: false, reason, degraded } : { ready: true, degraded };
  }
}
