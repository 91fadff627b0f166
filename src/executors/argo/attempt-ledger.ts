// The bookkeeping behind "each Argo attempt handed out once, in order": the
// run's Workflows (parts) as the watch last showed them, per unit the lowest
// Conveyor attempt number not handed out yet, and the node ids handed out.
// A unit's attempts come from the newest part that holds it.
import type { AttemptRecord, StoredUnit } from "../../engine/store.js";
import { isSettled, type AttemptView, type TaskView } from "./node-mapper.js";
import { isFinished, type ArgoWorkflow } from "./types.js";
import { partOf, type Part } from "./workflow-part.js";

/** What a unit's newest part has for it now. */
export type Lookup =
  | { kind: "settled"; attempt: AttemptView }
  /** podName: the attempt's pod, once it runs. */
  | { kind: "running"; progress: number | undefined; podName: string | undefined }
  /** The Workflow ended without ever running the task (bad template, deadline, ...). */
  | { kind: "never-ran"; error: string }
  | { kind: "uncovered" };

/** Attempts the supervisor itself closed when a driving process stopped: not Argo's. */
const INTERRUPTED = /^interrupted:/;

export class AttemptLedger {
  private readonly parts = new Map<string, Part>();
  /** Per unit, the lowest Conveyor attempt number not yet handed out. */
  private readonly next = new Map<number, number>();
  private readonly delivered = new Set<string>();
  /** Units whose success was handed out (the store may not show it yet). */
  private readonly succeededUnits = new Set<number>();

  /** Starts each unit after the last attempt the store recorded from Argo. */
  seed(units: readonly StoredUnit[], attempts: readonly AttemptRecord[]): void {
    for (const u of units) this.next.set(u.index, 1);
    for (const a of attempts) {
      if (a.error !== null && INTERRUPTED.test(a.error)) continue;
      this.next.set(a.index, Math.max(this.next.get(a.index)!, a.number + 1));
    }
  }

  /** Takes in a Workflow as last seen; throws when its node status cannot be read. */
  update(wf: ArgoWorkflow): void {
    const name = wf.metadata.name!;
    this.parts.set(name, partOf(wf, this.parts.get(name)));
  }

  remove(name: string): void {
    this.parts.delete(name);
  }

  has(name: string): boolean {
    return this.parts.has(name);
  }

  nextPartNumber(): number {
    return Math.max(0, ...[...this.parts.values()].map((p) => p.part)) + 1;
  }

  unfinished(): Part[] {
    return [...this.parts.values()].filter((p) => !isFinished(p.wf));
  }

  /** The unit's next settled Argo attempt, recorded as handed out; else whether a Workflow will bring one. */
  take(index: number): Lookup {
    const p = this.newestFor(index);
    if (!p) return { kind: "uncovered" };
    const view = p.views.get(index);
    const ahead = view ? this.ahead(p, index, view) : [];
    const a = ahead.find((x) => isSettled(x) && !this.delivered.has(x.nodeId));
    if (a) {
      this.delivered.add(a.nodeId);
      if (a.phase === "Succeeded") this.succeededUnits.add(index);
      this.next.set(index, p.bases.get(index)! + a.retry + 2);
      return { kind: "settled", attempt: a };
    }
    const finished = isFinished(p.wf);
    if (!finished && !view?.final) {
      const running = ahead.find((x) => !isSettled(x));
      return { kind: "running", progress: running?.progress, podName: running?.phase === "Running" ? running.podName : undefined };
    }
    if (finished && !view) {
      const s = p.wf.status;
      return { kind: "never-ran", error: `argo workflow ${p.wf.metadata.name} ${s?.phase ?? "ended"}: ${s?.message ?? "task never ran"}` };
    }
    return { kind: "uncovered" };
  }

  /** An existing Workflow still holds an attempt for this unit (settled and not handed out, or to come). */
  covered(index: number): boolean {
    const p = this.newestFor(index);
    const view = p?.views.get(index);
    if (!p || !view) return p !== undefined && !isFinished(p.wf);
    return this.ahead(p, index, view).some((a) => isSettled(a) && !this.delivered.has(a.nodeId)) || (!view.final && !isFinished(p.wf));
  }

  /** The newest Workflow has nothing more for this unit: final, every attempt handed out. */
  spent(index: number): boolean {
    const view = this.newestFor(index)?.views.get(index);
    return view !== undefined && view.final && view.attempts.every((a) => this.delivered.has(a.nodeId));
  }

  /** A success of this unit was handed out. */
  succeeded(index: number): boolean {
    return this.succeededUnits.has(index);
  }

  /** Conveyor attempts of this unit that count as recorded: a new Workflow's attempt-base. */
  recorded(index: number): number {
    return (this.next.get(index) ?? 1) - 1;
  }

  private newestFor(index: number): Part | undefined {
    let best: Part | undefined;
    for (const p of this.parts.values()) if (p.bases.has(index) && (!best || p.part > best.part)) best = p;
    return best;
  }

  /** The part's attempts of the unit numbered at least the next one not handed out. */
  private ahead(p: Part, index: number, view: TaskView): AttemptView[] {
    const base = p.bases.get(index)!;
    const from = this.next.get(index) ?? 1;
    return view.attempts.filter((a) => base + a.retry + 1 >= from);
  }
}
