// The Prometheus metrics' names: ours and prom-client's process and Node.js
// defaults carry one conveyor_ prefix, never a doubled one.
import { describe, expect, it } from "vitest";
import { createMetrics } from "../../src/observability/metrics.js";

describe("metric names", () => {
  it("prefix the process and Node.js defaults with conveyor_ once", async () => {
    const text = await createMetrics().registry.metrics();
    const names = [...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]!);
    expect(names).toContain("conveyor_process_cpu_user_seconds_total");
    expect(names.some((n) => n.startsWith("conveyor_nodejs_"))).toBe(true);
    expect(names.filter((n) => !n.startsWith("conveyor_"))).toEqual([]);
    expect(names.filter((n) => /conveyor_process_process_|conveyor_process_nodejs_/.test(n))).toEqual([]);
  });
});
