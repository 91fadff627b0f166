// The argo executor as the app configures it from its settings: enabled by
// CONVEYOR_ARGO_NAMESPACE; cluster access from KUBECONFIG (or ~/.kube/config),
// else the in-cluster service account. Loaded lazily: @kubernetes/client-node
// takes about a second to import, which no other command should pay.
import type { Settings } from "../../config.js";
import type { Logger } from "../../engine/ports.js";
import type { ArgoExecutor } from "./argo-executor.js";
import type { ArgoStore } from "./run-tracker.js";

type ArgoSettings = Pick<Settings, "CONVEYOR_ARGO_NAMESPACE" | "CONVEYOR_ARGO_IMAGE" | "CONVEYOR_ARGO_TEMPLATE">;

export async function argoExecutorFromEnv(store: ArgoStore, logger: Logger, settings: ArgoSettings): Promise<ArgoExecutor | undefined> {
  const namespace = settings.CONVEYOR_ARGO_NAMESPACE;
  if (!namespace) return undefined;
  const [{ ArgoExecutor }, { defaultKubeConfig, KubePodLogs, KubeWorkflowApi }] = await Promise.all([
    import("./argo-executor.js"),
    import("./k8s-client.js"),
  ]);
  const kc = defaultKubeConfig();
  const logs = new KubePodLogs(kc, namespace);
  return new ArgoExecutor({
    api: new KubeWorkflowApi(kc, namespace),
    logs,
    liveLogs: logs,
    store,
    image: settings.CONVEYOR_ARGO_IMAGE,
    templateName: settings.CONVEYOR_ARGO_TEMPLATE,
    logger,
  });
}
