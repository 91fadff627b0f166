// conveyor config: the settings as this process sees them, from the one schema.
import type { Environment, Settings } from "../../config.js";
import { defaultShown, describeSettings, type SettingRow } from "../../config/describe.js";
import { GROUPS, type Group } from "../../config/setting.js";
import type { Output } from "../follow.js";

/** What Conveyor made of a value: the parsed setting, hidden when secret. */
function effective(row: SettingRow, settings: Settings): unknown {
  const value = settings[row.name as keyof Settings];
  if (row.secret && value !== undefined) return row.value;
  return value ?? null;
}

function text(rows: SettingRow[]): string {
  const sections = (Object.keys(GROUPS) as Group[]).map((group) => {
    const lines = rows
      .filter((r) => r.group === group)
      .map((r) => {
        const dflt = defaultShown(r);
        const value =
          r.value !== null ? `= ${r.value}${dflt !== null ? ` (default: ${dflt})` : ""}` : dflt !== null ? `unset: ${dflt}` : "unset";
        const notes = [r.flag ? `Also ${r.flag}.` : "", r.readBy ? `Read by ${r.readBy}.` : ""].filter(Boolean).join(" ");
        return `  ${r.name} ${value}\n      ${[r.description, `Allowed: ${r.allowed}.`, notes].filter(Boolean).join(" ")}\n`;
      });
    return `${GROUPS[group]}\n${lines.join("")}`;
  });
  return sections.join("\n");
}

export function configCommand(opts: { json?: boolean }, out: Output, env: Environment, settings: Settings): number {
  const rows = describeSettings(env);
  if (opts.json) {
    const json = rows.map((r) => ({ ...r, effective: effective(r, settings) }));
    out.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    out.write(text(rows));
  }
  return 0;
}
