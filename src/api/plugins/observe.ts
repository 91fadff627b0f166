// Operation timing for /metrics, and a count of mutations in flight so that a
// graceful shutdown lets them finish (and refuses new ones meanwhile).
import { GraphQLError, getOperationAST, Kind } from "../graphql.js";
import type { Plugin } from "graphql-yoga";
import type { ApiMetrics } from "../../observability/metrics.js";
import type { ApiContext } from "../context.js";

export class InFlight {
  private n = 0;
  private waiters: (() => void)[] = [];
  private closed = false;

  /** False once closed: the server is shutting down and takes no new mutation. */
  enter(): boolean {
    if (this.closed) return false;
    this.n++;
    return true;
  }

  close(): void {
    this.closed = true;
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
    onExecute({ args, setResultAndStopExecution }) {
      const op = getOperationAST(args.document, args.operationName ?? undefined);
      const type = op?.operation ?? "unknown";
      if (type === "mutation" && !mutations.enter()) {
        const error = new GraphQLError("shutting down: send it to another replica", {
          extensions: { code: "SHUTTING_DOWN", http: { status: 503 } },
        });
        return void setResultAndStopExecution({ errors: [error] });
      }
      // labelled by the schema's root field, not the client's operation name: a bounded set of series
      const first = op?.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
      const operation = first?.kind === Kind.FIELD ? first.name.value : "other";
      const start = performance.now();
      return {
        onExecuteDone() {
          if (type === "mutation") mutations.leave();
          metrics?.operationDuration.observe({ operation, type }, (performance.now() - start) / 1000);
        },
      };
    },
  };
}
