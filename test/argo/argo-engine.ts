// The real engine on PGlite with the argo executor talking HTTP, through the
// real client-node, to the Kubernetes API double, with the controller double
// advancing Workflows. Reopenable on the same store to play a Conveyor restart.
import { Engine } from "../../src/engine/engine.js";
import type { Tracer } from "../../src/engine/tracing.js";
import type { EventBus } from "../../src/engine/ports.js";
import type { TaskLogOptions } from "../../src/engine/task-logs.js";
import { MemoryBus } from "../../src/pubsub/memory-bus.js";
import { InProcessExecutor } from "../../src/executors/in-process.js";
import { ArgoExecutor } from "../../src/executors/argo/argo-executor.js";
import { KubePodLogs, KubeWorkflowApi } from "../../src/executors/argo/k8s-client.js";
import type { SplitLimits } from "../../src/executors/argo/workflow-builder.js";
import { openDatabase, type Database } from "../../src/storage/database.js";
import { PrismaRunStore } from "../../src/storage/prisma-run-store.js";
import { pgliteStore, type TestStore } from "../support/databases.js";
import { ArgoControllerDouble } from "./argo-controller-double.js";
import { KubeApiDouble } from "./k8s-api-double.js";

export interface ArgoWorld {
  k8s: KubeApiDouble;
  controller: ArgoControllerDouble;
  store: TestStore;
  engine: Engine;
  executor: ArgoExecutor;
  /** Stops this engine and starts a new one on the same store (a Conveyor restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function openArgoWorld(
  opts: { limits?: SplitLimits; tracer?: Tracer; bus?: () => EventBus; taskLogs?: TaskLogOptions } = {},
): Promise<ArgoWorld> {
  const k8s = new KubeApiDouble();
  await k8s.listen();
  const controller = new ArgoControllerDouble(k8s);
  controller.start();
  const store = pgliteStore();
  let db: Database;
  const open = async () => {
    db = await openDatabase({ dataDir: store.config.dataDir! });
    const runStore = new PrismaRunStore(db);
    const kc = k8s.kubeConfig();
    const logs = new KubePodLogs(kc, "argo");
    const executor = new ArgoExecutor({
      api: new KubeWorkflowApi(kc, "argo"),
      logs,
      liveLogs: logs,
      store: runStore,
      image: "runner:test",
      retryDelayMs: 20,
      lingerMs: 500,
      ...(opts.limits ? { limits: opts.limits } : {}),
    });
    // `fn` runs the same graphs in-process, to compare event streams with
    const fn = new InProcessExecutor(() => "ok");
    const engine = new Engine({
      store: runStore,
      bus: opts.bus?.() ?? new MemoryBus(),
      executors: { argo: () => executor, fn: () => fn },
      leaseMs: 2_000,
      ...(opts.tracer ? { tracer: opts.tracer } : {}),
      ...(opts.taskLogs ? { taskLogs: opts.taskLogs } : {}),
    });
    return { engine, executor };
  };
  const world = { k8s, controller, store, ...(await open()) } as ArgoWorld;
  const shut = async () => {
    await world.engine.stop();
    await world.executor.close();
    await db.close();
  };
  world.restart = async () => {
    await shut();
    Object.assign(world, await open());
  };
  world.close = async () => {
    controller.stop();
    await shut();
    await k8s.close();
    await store.dispose();
  };
  return world;
}
