// The run's controls, only for a token that may write: each shows its answer at
// once (what the server said, never a guess), and the run's status shown is
// the one the answer carries.
import { useState } from "preact/hooks";
import { CANCEL, CHECKPOINT, PAUSE, RESUME } from "./queries.js";
import { mutate, type Outcome } from "./mutate.js";
import { finished } from "./status.js";
import type { Run } from "./types.js";

export function RunControls({ run, onRun }: { run: Run; onRun(r: Run): void }) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [checkpoint, setCheckpoint] = useState("");
  const act = async (query: string, vars: Record<string, unknown>, done: string) => {
    setBusy(true);
    setOutcome(null);
    const o = await mutate(query, { runId: run.id, ...vars }, done);
    setBusy(false);
    setOutcome(o);
    if (o.answer?.run) onRun(o.answer.run);
  };
  const s = run.status;
  const active = s === "RUNNING" || s === "PENDING";
  // a succeeded run has nothing left to control
  if (s === "SUCCEEDED" && !outcome && !busy) return null;
  return (
    <section aria-labelledby="controls-title" class="controls">
      <h2 id="controls-title">Controls</h2>
      <div class="buttons">
        {active && (
          <button type="button" disabled={busy} onClick={() => act(PAUSE, {}, "Paused")}>
            ‖ Pause
          </button>
        )}
        {!active && s !== "SUCCEEDED" && (
          <>
            <label>
              Resume from{" "}
              <select
                value={checkpoint}
                onChange={(e) => setCheckpoint((e.target as HTMLSelectElement).value)}
                data-testid="checkpoint-select"
              >
                <option value="">where it stopped</option>
                {[...run.checkpoints].reverse().map((c) => (
                  <option key={c.checkpointId} value={c.checkpointId}>
                    {new Date(c.createdAt).toLocaleTimeString()}: {c.reason}, {c.settled}/{c.total} settled
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                act(RESUME, checkpoint ? { checkpointId: checkpoint } : {}, checkpoint ? "Resumed from the checkpoint" : "Resumed")
              }
            >
              ▶ Resume
            </button>
          </>
        )}
        {(active || s === "PAUSED") && (
          <button type="button" disabled={busy} onClick={() => act(CHECKPOINT, {}, "Checkpoint taken")}>
            ⚑ Checkpoint
          </button>
        )}
        {!finished(s) && (
          <button type="button" class="danger" disabled={busy} onClick={() => act(CANCEL, {}, "Cancelled")}>
            ⊘ Cancel run
          </button>
        )}
      </div>
      <p role="status" class={outcome && !outcome.ok ? "error" : "ok"} data-testid="control-answer">
        {busy ? "Sending…" : (outcome?.message ?? "")}
      </p>
    </section>
  );
}
