// The local Redis the cross-replica suites use. One that cannot be reached skips
// its suite with one loud line, except under CI=true, where it is a failure.
import { Redis } from "ioredis";

export const REDIS_URL = process.env.CONVEYOR_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** `suite` names what is skipped, in the loud line. */
export async function redisReachable(suite: string): Promise<boolean> {
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch {
    if (process.env.CI === "true") throw new Error(`Redis at ${REDIS_URL} is required under CI`);
    console.warn(`\n!!! Redis at ${REDIS_URL} is unreachable: the ${suite} suite is SKIPPED\n`);
    return false;
  } finally {
    r.disconnect();
  }
}
