// The environment variables each kind of command reads, for its --help: the
// settings of src/config/settings.ts, by group.
import { defaultShown, describeSettings } from "../config/describe.js";
import type { Group } from "../config/setting.js";

export const ENV = {
  /** Commands that open the store: it alone. */
  store: ["store", "engine", "cli"],
  /** Commands that may drive runs: the store and the executors. */
  engine: ["store", "engine", "argo", "cli"],
  serve: ["store", "engine", "argo", "api", "webhooks", "tracing", "cli"],
  /** prune: the store and its retention policy. */
  prune: ["store", "cli"],
  server: ["client", "cli"],
  none: ["cli"],
} satisfies Record<string, Group[]>;

const WIDTH = 24;

/** One variable a line, with a short default; a longer name gets its description on the next line. */
export function environmentHelp(groups: readonly Group[]): string {
  const rows = describeSettings({}).filter((r) => groups.includes(r.group));
  const lines = rows.map((row) => {
    const { name, description } = row;
    const dflt = defaultShown(row);
    const what = dflt && dflt.length <= 24 ? `${description} (default: ${dflt})` : description;
    return name.length <= WIDTH ? `  ${name.padEnd(WIDTH)}  ${what}` : `  ${name}\n  ${" ".repeat(WIDTH)}  ${what}`;
  });
  return `\nEnvironment:\n${lines.join("\n")}\n  (conveyor config: each setting's value here, default and what it allows)\n`;
}
