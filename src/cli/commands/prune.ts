// conveyor prune: what the policy lets go, listed (--dry-run), deleted or archived (--archive).
import { listSome } from "../../core/list-text.js";
import { AGE_HINT, parseAge, policyIsEmpty, type RetentionPolicy } from "../../core/retention.js";
import { isRunSettled, RUN_STATUSES, type RunStatus } from "../../core/status.js";
import { pruneRuns } from "../../engine/prune-runs.js";
import type { RetentionAction } from "../../engine/retention-store.js";
import type { Settings } from "../../config.js";
import type { Output } from "../follow.js";
import { withApp } from "../open-app.js";
import { UsageError } from "../usage-error.js";
import { table } from "./status.js";

interface PruneFlags {
  olderThan?: string;
  keep?: string;
  status?: string;
  dryRun?: boolean;
  archive?: boolean;
  delete?: boolean;
  json?: boolean;
}

const FINISHED = RUN_STATUSES.filter(isRunSettled);

/** The flags as a policy, or CONVEYOR_RETENTION's when none is given; every mistake named before the store opens. */
export function prunePolicy(f: PruneFlags, standingPolicy: RetentionPolicy | undefined): { policy: RetentionPolicy; fromFlags: boolean } {
  const policy: RetentionPolicy = {};
  if (f.olderThan !== undefined) {
    const age = parseAge(f.olderThan);
    if (age === null) throw new UsageError(`--older-than: "${f.olderThan}" is not ${AGE_HINT}`);
    policy.maxAgeMs = age;
  }
  if (f.keep !== undefined) {
    if (!/^\s*\d+\s*$/.test(f.keep)) throw new UsageError(`--keep: "${f.keep}" is not a whole number`);
    policy.keepRuns = Number(f.keep);
  }
  if (!policyIsEmpty(policy)) return { policy, fromFlags: true };
  const standing = standingPolicy;
  if (!standing) throw new UsageError("give --older-than or --keep (or set CONVEYOR_RETENTION): prune deletes nothing without a policy");
  return { policy: standing, fromFlags: false };
}

function statusesOf(text: string | undefined): RunStatus[] | undefined {
  if (text === undefined) return undefined;
  const statuses = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const bad = statuses.filter((s) => !FINISHED.includes(s as RunStatus));
  if (bad.length || statuses.length === 0) {
    throw new UsageError(
      `--status: ${bad.length ? `not a finished status: ${listSome(bad)}` : "empty"} (one of ${FINISHED.join(", ")}; runs not finished are never pruned)`,
    );
  }
  return statuses as RunStatus[];
}

/** --archive or --delete; without either, the standing action when the standing policy applies, else delete. */
function actionOf(f: PruneFlags, fromFlags: boolean, standing: RetentionAction): RetentionAction {
  if (f.archive && f.delete) throw new UsageError("--archive and --delete: give one of them");
  if (f.archive) return "archive";
  if (f.delete) return "delete";
  return fromFlags ? "delete" : standing;
}

export async function pruneCommand(f: PruneFlags, out: Output, settings: Settings): Promise<number> {
  const { policy, fromFlags } = prunePolicy(f, settings.CONVEYOR_RETENTION);
  const action = actionOf(f, fromFlags, settings.CONVEYOR_RETENTION_ACTION);
  const statuses = statusesOf(f.status);
  return withApp(
    async (app) => {
      const report = await pruneRuns(app.retention, {
        policy,
        action,
        now: Date.now(),
        dryRun: f.dryRun === true,
        ...(statuses ? { statuses } : {}),
        honourRunRetention: !fromFlags,
        owner: app.engine.owner,
      });
      if (f.json) {
        out.write(`${JSON.stringify({ dryRun: f.dryRun === true, action, ...report }, null, 2)}\n`);
        return 0;
      }
      if (f.dryRun) {
        out.write(report.chosen.length === 0 ? "nothing to prune\n" : `would ${action} ${report.chosen.length} run(s):\n`);
        if (report.chosen.length > 0) {
          const rows = [
            ["RUN", "STATUS", "FINISHED"],
            ...report.chosen.map((r) => [r.id, r.status, new Date(r.finishedAt).toISOString().slice(0, 19)]),
          ];
          out.write(`${table(rows).join("\n")}\n`);
        }
        return 0;
      }
      if (action === "archive") {
        const a = report.archivedRows;
        out.write(
          `archived ${report.archived.length} run(s) into ${kib(a.bytes)}: ${a.taskRuns} task rows, ${a.attempts} attempts, ${a.eventPages} event pages, ${a.checkpoints} checkpoints folded\n`,
        );
        if (report.skipped.length > 0)
          out.write(`skipped ${report.skipped.length} run(s) another process was resuming or archiving: ${listSome(report.skipped)}\n`);
        return 0;
      }
      const r = report.rows;
      out.write(
        `deleted ${report.deleted.length} run(s): ${r.taskRuns} task rows, ${r.attempts} attempts, ${r.eventPages} event pages, ${r.checkpoints} checkpoints\n`,
      );
      if (report.skipped.length > 0)
        out.write(`skipped ${report.skipped.length} run(s) another process was resuming or deleting: ${listSome(report.skipped)}\n`);
      return 0;
    },
    { settings },
  );
}

const kib = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`);
