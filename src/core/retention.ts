// How long finished runs are kept: a policy (an age, a count, or both), read from
// text such as "30d", "1000 runs" or "30d,1000 runs", and the decision of which
// runs it lets go, returned as data so that pruning, its dry run and the tests
// all see the same list.
import { InvalidOptionError } from "./errors.js";
import { isRunSettled, type RunStatus } from "./status.js";

export interface RetentionPolicy {
  /** Finished runs older than this (since they finished) go. */
  maxAgeMs?: number;
  /** Only the newest this many finished runs stay. */
  keepRuns?: number;
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** "30d", "12h", "90m", "2w", "45s" as milliseconds; null when the text is not one. */
export function parseAge(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$/.exec(text);
  if (!m) return null;
  const ms = Math.round(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]);
  return ms > 0 ? ms : null;
}

export const AGE_HINT = "a duration such as 30d, 12h, 90m, 2w or 45s";

/** `setting` names where the text came from, for the error. */
export function parseRetention(text: string, setting = "CONVEYOR_RETENTION"): RetentionPolicy {
  const policy: RetentionPolicy = {};
  const parts = text
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  if (parts.length === 0) throw new InvalidOptionError(setting, `empty: give an age (30d), a count (1000 runs) or both ("30d,1000 runs")`);
  for (const part of parts) {
    const count = /^(\d+)\s*runs?$/.exec(part);
    if (count) {
      if (policy.keepRuns !== undefined) throw new InvalidOptionError(setting, `two counts in "${text}"`);
      policy.keepRuns = Number(count[1]);
      continue;
    }
    const age = parseAge(part);
    if (age === null) throw new InvalidOptionError(setting, `"${part}" is neither ${AGE_HINT} nor a count such as "1000 runs"`);
    if (policy.maxAgeMs !== undefined) throw new InvalidOptionError(setting, `two ages in "${text}"`);
    policy.maxAgeMs = age;
  }
  return policy;
}

export interface FinishedRunFacts {
  id: string;
  status: RunStatus;
  /** When it finished (ms); runs that never started count from their last change. */
  finishedAt: number;
  /** The run's own retention age, chosen at start: it replaces the policy for this run. */
  retentionMs?: number | null;
}

/**
 * Ids of the runs the policy lets go, oldest first. Only settled runs are ever chosen. The count
 * keeps the newest `keepRuns` runs that follow the policy; a run with its own retention is judged
 * by its own age alone and counts toward nothing.
 */
export function runsToPrune(runs: readonly FinishedRunFacts[], policy: RetentionPolicy, now: number): string[] {
  const settled = runs.filter((r) => isRunSettled(r.status)).sort((a, b) => b.finishedAt - a.finishedAt || (a.id < b.id ? 1 : -1));
  const chosen: FinishedRunFacts[] = [];
  let kept = 0;
  for (const r of settled) {
    if (r.retentionMs != null) {
      if (now - r.finishedAt > r.retentionMs) chosen.push(r);
      continue;
    }
    const tooOld = policy.maxAgeMs !== undefined && now - r.finishedAt > policy.maxAgeMs;
    const beyondCount = policy.keepRuns !== undefined && kept >= policy.keepRuns;
    if (tooOld || beyondCount) chosen.push(r);
    else kept++;
  }
  return chosen.reverse().map((r) => r.id);
}

/** Whether the policy chooses anything at all (an empty one keeps every run). */
export const policyIsEmpty = (p: RetentionPolicy) => p.maxAgeMs === undefined && p.keepRuns === undefined;
