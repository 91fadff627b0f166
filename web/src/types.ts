// The shapes the dashboard reads (a subset of schema.graphql's types).

export interface Counts {
  pending: number;
  running: number;
  retrying: number;
  succeeded: number;
  failed: number;
  skipped: number;
  cancelled: number;
}

export interface Progress {
  total: number;
  settled: number;
  percent: number;
  memoized: number;
  etaSeconds: number | null;
  etaAt: string | null;
  throughputPerSec: number;
  counts: Counts;
}

export interface Checkpoint {
  checkpointId: string;
  createdAt: string;
  reason: string;
  seq: number;
  settled: number;
  total: number;
  status: string;
}

export interface Run {
  id: string;
  status: string;
  reason: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
  lastSeq: number;
  total: number;
  source: { format: string; origin: string; selection: string | null; tag: string | null };
  checkpoints: Checkpoint[];
  /** In lists, only total, settled and percent. */
  progress?: Pick<Progress, "total" | "settled" | "percent"> & Partial<Progress>;
}

export interface Task {
  taskId: string;
  title: string;
  kind: string;
  status: string;
  memoized: boolean;
  attemptCount: number;
  dependencies: string[];
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  /** Named by its definition, not in the run (read with the graph's pages). */
  outsideDependencies?: string[];
  definition?: Record<string, unknown>;
}

export interface Attempt {
  number: number;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  exitCode: number | null;
  error: string | null;
}

export interface TaskDetail extends Task {
  memoKey: string;
  error: string | null;
  result: unknown;
  blockedBy: string | null;
  progress: number | null;
  attempts: Attempt[];
}

export interface RunEvent {
  seq: number;
  type: string;
  taskId: string | null;
  at: string;
}

export interface LogLine {
  seq: number;
  stream: "STDOUT" | "STDERR" | null;
  text: string | null;
  dropped: number | null;
}

/** A mutation's answer: its __typename, and code/message when it is an error. */
export interface MutationAnswer {
  __typename: string;
  code?: string;
  message?: string;
  run?: Run;
  checkpoint?: { checkpointId: string };
  warnings?: string[];
}
