// When a failed delivery is tried again: exponential from `baseMs`, capped, with jitter
// ("equal jitter": half the delay fixed, half random) so that many deliveries failing
// together do not come back together. With the defaults (30 s base, 4 h cap, 12 tries)
// a delivery is retried for about 12 hours before it is dead-lettered.
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  maxAttempts: number;
}

/** After `tries` failed attempts: ms until the next one, or null when the delivery is dead. */
export function nextDelay(p: BackoffPolicy, tries: number, random: () => number = Math.random): number | null {
  if (tries >= p.maxAttempts) return null;
  const full = Math.min(p.capMs, p.baseMs * 2 ** (tries - 1));
  return Math.round(full / 2 + (random() * full) / 2);
}
