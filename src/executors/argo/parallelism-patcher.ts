// Keeps a split run's Workflows at their share of maxParallel (part-parallelism.ts)
// by patching spec.parallelism, which the controller re-reads. What was asked
// for is remembered, since the watch may not show it yet; a failed patch is
// forgotten, so the next rebalance asks again.
import type { Logger } from "../../engine/ports.js";
import type { AttemptLedger } from "./attempt-ledger.js";
import type { WorkflowApi } from "./k8s-client.js";
import { raises, roomForNext, type PartLoad } from "./part-parallelism.js";

export class ParallelismPatcher {
  /** The run's maxParallel, shared by all its Workflows. */
  maxParallel = 1;
  /** Workflow name -> the parallelism last asked for by patch. */
  private readonly raised = new Map<string, number>();

  constructor(
    private readonly runId: string,
    private readonly api: WorkflowApi,
    private readonly ledger: Pick<AttemptLedger, "unfinished">,
    private readonly logger: Logger,
  ) {}

  /** The parallelism a new Workflow may have beside the running ones, 0 when it must wait. */
  room(): number {
    return roomForNext(this.loads(), this.maxParallel);
  }

  /** As older parts settle tasks, newer ones get their share of maxParallel back. */
  rebalance(): void {
    for (const { name, parallelism } of raises(this.loads(), this.maxParallel)) {
      this.raised.set(name, parallelism);
      void this.api.patch(name, { spec: { parallelism } }).catch((err: unknown) => {
        this.raised.delete(name);
        this.logger.warn({ runId: this.runId, workflow: name, err: String(err) }, "argo parallelism patch failed");
      });
    }
  }

  /** Unfinished Workflows, oldest part first. */
  private loads(): PartLoad[] {
    const active = this.ledger.unfinished().sort((a, b) => a.part - b.part);
    return active.map((p) => {
      const name = p.wf.metadata.name!;
      let settled = 0;
      for (const v of p.views.values()) if (v.final) settled++;
      return {
        name,
        parallelism: Math.max(Number(p.wf.spec.parallelism ?? 0), this.raised.get(name) ?? 0),
        unsettled: p.bases.size - settled,
      };
    });
  }
}
