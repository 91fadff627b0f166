// A bench child's view of the store calls a phase makes: each named method of the
// store wrapped in place (same calls, same arguments), counted and timed while
// `counting()` says so.
export type StoreCalls = Record<string, { n: number; ms: number }>;

/** The store calls a recovery can make, from finding orphans to their first commits: the rows' breakdown. */
export const RECOVERY_CALLS = [
  "findOrphans",
  "getRun",
  "acquireLease",
  "takeOrphans",
  "loadUnits",
  "loadUnitsOf",
  "memoLookup",
  "historicalDurations",
  "commit",
  "commitMany",
] as const;

export function timeStoreCalls(store: object, names: readonly string[], counting: () => boolean = () => true): StoreCalls {
  const calls: StoreCalls = {};
  const methods = store as Record<string, unknown>;
  for (const name of names) {
    const inner = methods[name];
    if (typeof inner !== "function") continue;
    methods[name] = async (...a: unknown[]) => {
      const t0 = performance.now();
      try {
        return await (inner as (...x: unknown[]) => Promise<unknown>).apply(store, a);
      } finally {
        if (counting()) {
          const c = (calls[name] ??= { n: 0, ms: 0 });
          c.n++;
          c.ms += performance.now() - t0;
        }
      }
    };
  }
  return calls;
}
