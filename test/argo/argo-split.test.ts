// A run split into successive Workflows keeps its parallelism across the
// boundary: the next part is submitted while the current one's last tasks still
// run, with what is left of maxParallel, and gets the rest once they end.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { eventually } from "../support/engine.js";
import { openArgoWorld, type ArgoWorld } from "./argo-engine.js";

describe("argo split runs", () => {
  let w: ArgoWorld;
  beforeAll(async () => {
    w = await openArgoWorld({ limits: { maxTasks: 3, maxBytes: 256 * 1024 } });
  });
  afterAll(async () => w?.close());

  it("starts the next part beside the current one's last task, never above maxParallel", async () => {
    const list = Array.from({ length: 7 }, (_, i) => `sp-${i + 1}`);
    const [first, , , fourth] = list as [string, string, string, string];
    w.controller.held.add(first).add(fourth);
    w.controller.running.length = 0;
    const { runId } = await w.engine.startRun({ source: inlineSource(list), options: { executor: "argo", maxParallel: 4 } });
    const parts = () =>
      w.k8s
        .all()
        .filter((wf) => wf.metadata.labels?.["conveyor.dev/run-id"] === runId)
        .sort((a, b) => Number(a.metadata.labels!["conveyor.dev/part"]) - Number(b.metadata.labels!["conveyor.dev/part"]));
    // part 1 holds tasks 1-3: part 2 starts at once with what part 1 cannot use (4 - 3 unsettled),
    // and gets more as part 1's tasks settle: with task 1 still running, 3
    await eventually(() => parts().length === 2);
    expect(parts()[1]!.spec.parallelism).toBeLessThan(4);
    await eventually(() => parts()[1]!.spec.parallelism === 3);
    // the controller starts task 4's pod on one of its next ticks, while part 1 still runs
    await eventually(() => w.controller.pods.some((p) => p.endsWith(`/${fourth}(0)`)));
    expect(parts()[0]!.status?.phase).toBe("Running");
    // part 1 ends: part 2 (task 4 still running) gets all of maxParallel back
    w.controller.held.delete(first);
    await eventually(() => parts()[1]!.spec.parallelism === 4);
    w.controller.held.delete(fourth);
    const run = await w.engine.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    expect(parts().map((wf) => (wf.spec.templates as { dag: { tasks: unknown[] } }[])[0]!.dag.tasks.length)).toEqual([3, 3, 1]);
    expect(Math.max(...w.controller.running)).toBeLessThanOrEqual(4);
    const events = await w.engine.store.readEvents(runId, 0, 1000);
    for (const id of list) expect(events.filter((e) => e.taskId === id && e.type === "task.succeeded")).toHaveLength(1);
  });
});
