// Small pieces shared by the pages: a status badge, the progress bar with its counts, times.
import { look } from "./status.js";
import type { Progress } from "./types.js";

export const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—");

export function durationText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function StatusBadge({ status, testid }: { status: string; testid?: string }) {
  const l = look(status);
  return (
    <span class="badge" style={{ borderColor: l.color, color: l.color }} data-testid={testid} data-status={status}>
      <span aria-hidden="true">{l.icon}</span> {l.label}
    </span>
  );
}

const ORDER = ["succeeded", "failed", "skipped", "cancelled", "running", "retrying", "pending"] as const;
const STATUS_OF: Record<(typeof ORDER)[number], string> = {
  succeeded: "SUCCEEDED",
  failed: "FAILED",
  skipped: "SKIPPED",
  cancelled: "CANCELLED",
  running: "RUNNING",
  retrying: "RETRYING",
  pending: "PENDING",
};

export function ProgressView({ progress: p, live }: { progress: Progress; live: boolean }) {
  const total = Math.max(1, p.total);
  return (
    <section aria-labelledby="progress-title" class="progress">
      <h2 id="progress-title" class="sr-only">
        Progress
      </h2>
      <div class="bar" role="progressbar" aria-label="Tasks settled" aria-valuemin={0} aria-valuemax={p.total} aria-valuenow={p.settled}>
        {ORDER.map((k) =>
          p.counts[k] > 0 ? (
            <span key={k} style={{ width: `${(p.counts[k] / total) * 100}%`, background: look(STATUS_OF[k]).color }} />
          ) : null,
        )}
      </div>
      <p data-testid="progress-text">
        <strong>
          {p.settled} / {p.total}
        </strong>{" "}
        settled ({p.percent.toFixed(1)} %){p.memoized ? ` · ${p.memoized} from the cache` : ""}
        {live && p.etaSeconds !== null ? ` · ETA ${durationText(p.etaSeconds * 1000)}` : ""}
        {live ? ` · ${p.throughputPerSec.toFixed(1)} tasks/s` : ""}
      </p>
      <ul class="counts" data-testid="counts">
        {ORDER.map((k) => (
          <li key={k} data-count={k}>
            <span style={{ color: look(STATUS_OF[k]).color }} aria-hidden="true">
              {look(STATUS_OF[k]).icon}
            </span>{" "}
            {look(STATUS_OF[k]).label}: <strong>{p.counts[k]}</strong>
          </li>
        ))}
      </ul>
    </section>
  );
}
