// What a driven run needs to know about each unit (id, title, kind, command,
// definition, memo key, dependencies), held compactly: definitions as JSON
// text parsed when a unit starts, memo keys as raw bytes, dependencies in one
// flat array. The run's units would otherwise cost over a kilobyte each.
import { CompactGraph, type DependencyGraph } from "../core/dependency-graph.js";
import type { PlanUnit } from "../core/task.js";

export class UnitCatalog implements DependencyGraph {
  private readonly ids: string[];
  private readonly titles: string[];
  private readonly groups: Uint8Array;
  private readonly definitions: string[];
  private readonly commands = new Map<number, string>();
  private readonly memoKeys: Buffer;
  private readonly graph: CompactGraph;
  private byId: Map<string, number> | undefined;

  constructor(units: readonly Omit<PlanUnit, "initial">[]) {
    const n = units.length;
    this.ids = new Array<string>(n);
    this.titles = new Array<string>(n);
    this.definitions = new Array<string>(n);
    this.groups = new Uint8Array(n);
    this.memoKeys = Buffer.alloc(n * 32);
    units.forEach((u, i) => {
      this.ids[i] = u.id;
      this.titles[i] = u.title;
      this.definitions[i] = JSON.stringify(u.definition);
      if (u.kind === "group") this.groups[i] = 1;
      if (u.command !== undefined) this.commands.set(i, u.command);
      this.memoKeys.write(u.memoKey, i * 32, 32, "hex");
    });
    this.graph = new CompactGraph(units.map((u) => u.deps));
  }

  get size(): number {
    return this.ids.length;
  }

  id(i: number): string {
    return this.ids[i]!;
  }

  title(i: number): string {
    return this.titles[i]!;
  }

  isGroup(i: number): boolean {
    return this.groups[i] === 1;
  }

  command(i: number): string | undefined {
    return this.commands.get(i);
  }

  definition(i: number): Record<string, unknown> {
    return JSON.parse(this.definitions[i]!) as Record<string, unknown>;
  }

  memoKey(i: number): string {
    return this.memoKeys.toString("hex", i * 32, i * 32 + 32);
  }

  deps(i: number): Int32Array {
    return this.graph.deps(i);
  }

  indexOf(id: string): number | undefined {
    this.byId ??= new Map(this.ids.map((x, i) => [x, i]));
    return this.byId.get(id);
  }
}
