// A neighbour that takes about half of one core: busy for BENCH_HOG_BUSY_MS (50),
// then asleep as long, until killed. The lag row (api-lag.ts) runs it beside the
// servers to show what a busier machine does to subscribers, reproducibly.
const busyMs = Number(process.env.BENCH_HOG_BUSY_MS ?? 50);
const idleMs = Number(process.env.BENCH_HOG_IDLE_MS ?? 50);
let sink = 0;
const burn = () => {
  const end = performance.now() + busyMs;
  while (performance.now() < end) sink = (sink * 31 + 7) % 1_000_003;
  setTimeout(burn, idleMs);
};
process.stdout.write("HOG\n");
burn();
process.on("SIGTERM", () => process.exit(sink < 0 ? 1 : 0));
