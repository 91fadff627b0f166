// Child of bench/process-executor.ts: one store kind only (so one store's memory
// shapes the cost of fork), a bare spawn loop before the store is opened, then
// the A-B-B-A comparison with the store open. Prints "RESULT {json}".
import { Spawner } from "../src/executors/spawner/spawner.js";
import { freshStore, openApp, type StoreKind } from "./support.js";
import { bareLoop, compareWithBare } from "./process-executor.js";

const kind = process.env.BENCH_STORE_KIND as StoreKind;
const n = Number(process.env.BENCH_TASKS);
const parallels = process.env.BENCH_PARALLELS!.split(",").map(Number);

const bareNoStore: Record<number, number> = {};
await bareLoop(10, 2);
for (const p of parallels) bareNoStore[p] = await bareLoop(n, p);
const spawner = new Spawner();
const store = await freshStore(kind);
const app = await openApp(store);
try {
  const results = await compareWithBare(app, spawner, n, parallels);
  for (const r of results) r.bareNoStoreMs = bareNoStore[r.parallel]!;
  process.stdout.write(`RESULT ${JSON.stringify(results)}\n`);
} finally {
  await app.stop();
  spawner.close();
  await store.dispose();
}
