// How each status looks: a colour, and an icon and a shape so that colour is
// never the only sign (the DAG draws the shape, lists show the icon and word).
// A status this build does not know still shows, as its own name.

export type Shape = "square" | "hollow-square" | "triangle" | "diamond" | "circle" | "hollow-circle" | "cross";

interface Look {
  icon: string;
  color: string;
  shape: Shape;
  label: string;
}

const LOOKS: Record<string, Look> = {
  PENDING: { icon: "○", color: "#6b7280", shape: "hollow-square", label: "pending" },
  RUNNING: { icon: "▶", color: "#1d4ed8", shape: "triangle", label: "running" },
  RETRYING: { icon: "↻", color: "#a16207", shape: "circle", label: "retrying" },
  SUCCEEDED: { icon: "✓", color: "#15803d", shape: "square", label: "succeeded" },
  FAILED: { icon: "✗", color: "#b91c1c", shape: "diamond", label: "failed" },
  SKIPPED: { icon: "⤼", color: "#7c3aed", shape: "hollow-circle", label: "skipped" },
  CANCELLED: { icon: "⊘", color: "#57534e", shape: "cross", label: "cancelled" },
  PAUSED: { icon: "‖", color: "#a16207", shape: "circle", label: "paused" },
  INTERRUPTED: { icon: "⚠", color: "#b45309", shape: "diamond", label: "interrupted" },
  COMPLETED_WITH_FAILURES: { icon: "✗", color: "#b91c1c", shape: "diamond", label: "completed with failures" },
  TIMED_OUT: { icon: "⏱", color: "#b91c1c", shape: "diamond", label: "timed out" },
  CANCELLING: { icon: "⊘", color: "#57534e", shape: "cross", label: "cancelling" },
};

export function look(status: string): Look {
  return LOOKS[status] ?? { icon: "?", color: "#374151", shape: "hollow-circle", label: status.toLowerCase().replace(/_/g, " ") };
}

export const TASK_STATUSES = ["PENDING", "RUNNING", "RETRYING", "SUCCEEDED", "FAILED", "SKIPPED", "CANCELLED"] as const;
export const RUN_STATUSES = [
  "PENDING",
  "RUNNING",
  "PAUSED",
  "INTERRUPTED",
  "SUCCEEDED",
  "COMPLETED_WITH_FAILURES",
  "FAILED",
  "TIMED_OUT",
  "CANCELLED",
] as const;

/** A run that will change no more. */
export const finished = (status: string) => ["SUCCEEDED", "COMPLETED_WITH_FAILURES", "FAILED", "TIMED_OUT", "CANCELLED"].includes(status);
