// Operation timing for /metrics, and a count of mutations in flight so that a
// graceful shutdown lets them finish.
import { getOperationAST } from "../graphql.js";
import type { Plugin } from "graphql-yoga";
import type { ApiMetrics } from "../../observability/metrics.js";
import type { ApiContext } from "../context.js";

export class InFlight {
  private n = 0;
  private waiters: (() => void)[] = [];

  enter(): void {
    this.n++;
  }

  leave(): void {
    if (--this.n === 0) for (const w of this.waiters.splice(0)) w();
  }

  get count(): number {
    return this.n;
  }

  idle(): Promise<void> {
    return this.n === 0 ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }
}

export function useObserve(metrics: ApiMetrics | undefined, mutations: InFlight): Plugin<ApiContext> {
  return {
    onExecute({ args }) {
      const op = getOperationAST(args.document, args.operationName ?? undefined);
      const type = op?.operation ?? "unknown";
      const start = performance.now();
      if (type === "mutation") mutations.enter();
      return {
        onExecuteDone() {
          if (type === "mutation") mutations.leave();
          metrics?.operationDuration.observe({ operation: op?.name?.value ?? "anonymous", type }, (performance.now() - start) / 1000);
        },
      };
    },
  };
}
