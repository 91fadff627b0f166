// Run-length encoding of per-unit values, for snapshots that stay small however
// large the run: [value, count] pairs in index order.

export function runLengths(values: ArrayLike<number>): [number, number][] {
  const out: [number, number][] = [];
  let i = 0;
  while (i < values.length) {
    const v = values[i]!;
    let j = i + 1;
    while (j < values.length && values[j] === v) j++;
    out.push([v, j - i]);
    i = j;
  }
  return out;
}

/** Expands run lengths back to one value per unit. */
export function expandRuns<T>(runs: [T, number][]): T[] {
  const out: T[] = [];
  for (const [v, n] of runs) for (let k = 0; k < n; k++) out.push(v);
  return out;
}
