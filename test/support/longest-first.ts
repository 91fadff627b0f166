// The order test files start in: longest first, so that the two workers end
// together instead of one running a minute-long file alone at the end. Vitest
// orders by the durations of the last run it cached (node_modules/.vite); a
// fresh checkout, as in CI, has none, so the known slow files carry an estimate
// (seconds on two busy cores; refresh it when the slowest files change).
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

const ESTIMATE_S: Record<string, number> = {
  "test/cli/cli.test.ts": 120,
  "test/package/pack.test.ts": 60,
  "test/taskmaster/generated.test.ts": 10,
  "test/taskmaster/lenient.test.ts": 12,
  "test/cli/checkpoint-resume.test.ts": 55,
  "test/taskmaster/validate.test.ts": 8,
  "test/taskmaster/write-back.test.ts": 18,
  "test/api/memory-bound.test.ts": 15,
  "test/cli/commands.test.ts": 66,
  "test/api/serve.test.ts": 66,
  "test/api/readiness.test.ts": 60,
  "test/taskmaster/concurrent-edit.test.ts": 12,
  "test/engine/recovery.test.ts": 54,
  "test/engine/batch-takeover.test.ts": 90,
  "test/engine/database-outage.test.ts": 52,
  "test/engine/interrupted-state.test.ts": 46,
  "test/api/fuzz.test.ts": 45,
  "test/cli/nul-input.test.ts": 39,
  "test/cli/plan.test.ts": 36,
  "test/taskmaster/fuzz.test.ts": 25,
  "test/cli/setup-errors.test.ts": 32,
  "test/api/task-logs-redis.test.ts": 27,
  "test/api/replay-boundary.test.ts": 30,
  "test/taskmaster/sigkill.test.ts": 27,
  "test/taskmaster/interrupt.test.ts": 27,
  "test/engine/early-start.test.ts": 25,
  "test/engine/memo-and-checkpoints.test.ts": 24,
  "test/argo/argo-runs.test.ts": 23,
  "test/api/graphql.test.ts": 23,
  "test/storage/pglite-thread.test.ts": 25,
  "test/engine/history-eta.test.ts": 23,
  "test/api/task-logs.test.ts": 21,
  "test/engine/lease-fencing.test.ts": 21,
  "test/engine/resume-and-skip.test.ts": 21,
  "test/taskmaster/readiness.test.ts": 21,
  "test/storage/event-pages.test.ts": 20,
  "test/dashboard/dashboard.test.ts": 50,
  "test/notifications/webhook-replicas.test.ts": 26,
  "test/notifications/webhooks.test.ts": 24,
  "test/dashboard/tokens.test.ts": 20,
  "test/browser/graphiql.test.ts": 22,
  "test/api/cors.test.ts": 21,
  "test/browser/cors.test.ts": 18,
  "test/clients/clients.test.ts": 18,
  "test/api/introspection.test.ts": 15,
};

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const expected = (f: TestSpecification) => {
      const path = relative(root, f.moduleId);
      const cached = this.ctx.cache.getFileTestResults(`${f.project.name}:${path}`);
      return cached && !cached.failed ? cached.duration : (ESTIMATE_S[path] ?? 0) * 1_000;
    };
    const failed = (f: TestSpecification) =>
      this.ctx.cache.getFileTestResults(`${f.project.name}:${relative(root, f.moduleId)}`)?.failed === true;
    // failed last time first, as vitest does; then longest first
    return (await super.sort(files)).sort((a, b) => Number(failed(b)) - Number(failed(a)) || expected(b) - expected(a));
  }
}
