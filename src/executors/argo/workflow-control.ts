// Steering a run's Workflows by merge patches on their spec (suspend, shutdown).
// A failed patch is reported, never thrown: the run goes on with what the
// controller has. Cancel stops first (running pods finish their attempt) and
// terminates only what still runs after the grace period.
import type { WorkflowApi } from "./k8s-client.js";
import { isFinished } from "./types.js";

export async function patchEach(
  api: WorkflowApi,
  names: readonly string[],
  patch: Record<string, unknown>,
  onError: (workflow: string, err: unknown) => void,
): Promise<void> {
  await Promise.all(names.map((n) => api.patch(n, patch).catch((err: unknown) => onError(n, err))));
}

/** After graceMs, Terminate those of the Workflows not finished yet. */
export function terminateAfter(api: WorkflowApi, names: readonly string[], graceMs: number, onError: (err: unknown) => void): void {
  setTimeout(() => {
    for (const name of names) {
      void api
        .get(name)
        .then((wf) => (isFinished(wf) ? undefined : api.patch(name, { spec: { shutdown: "Terminate" } })))
        .catch(onError);
    }
  }, graceMs).unref();
}
