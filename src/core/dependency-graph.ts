// A run's dependency edges in compressed form (one flat array plus offsets):
// a 100,000-unit run would otherwise hold 100,000 small arrays.

export interface DependencyGraph {
  readonly size: number;
  deps(i: number): ArrayLike<number>;
}

export class CompactGraph implements DependencyGraph {
  private readonly start: Int32Array;
  private readonly flat: Int32Array;

  constructor(depsOf: readonly (readonly number[])[]) {
    this.start = new Int32Array(depsOf.length + 1);
    depsOf.forEach((d, i) => (this.start[i + 1] = this.start[i]! + d.length));
    this.flat = new Int32Array(this.start[depsOf.length]!);
    depsOf.forEach((d, i) => this.flat.set(d, this.start[i]!));
  }

  get size(): number {
    return this.start.length - 1;
  }

  deps(i: number): Int32Array {
    return this.flat.subarray(this.start[i]!, this.start[i + 1]!);
  }
}
