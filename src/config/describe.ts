// Every setting as `conveyor config` and docs/configuration.md show it: its
// value as given (secrets hidden), its default and what it does.
import type { Environment } from "./load.js";
import { HIDDEN, maskUrl } from "./mask.js";
import { GROUPS, type Group } from "./setting.js";
import { SETTING_NAMES, SETTINGS } from "./settings.js";

export interface SettingRow {
  name: string;
  group: Group;
  description: string;
  allowed: string;
  /** As written in the variable, secrets hidden; null when unset. */
  value: string | null;
  /** The variable's text when unset; null when it has none. */
  default: string | null;
  /** What unset means, in words, where no default text says it ("the embedded store"). */
  unsetMeans: string | null;
  secret: boolean;
  flag: string | null;
  readBy: string | null;
}

export function describeSettings(env: Environment): SettingRow[] {
  return SETTING_NAMES.map((name) => {
    const meta = SETTINGS[name].meta;
    const raw = env[name];
    const given = raw !== undefined && raw.trim() !== "" ? raw : null;
    const value = given === null || !meta.secret ? given : meta.secret === "url" ? maskUrl(given) : HIDDEN;
    return {
      name,
      group: meta.group,
      description: meta.description,
      allowed: meta.allowed,
      value,
      default: meta.default || null,
      unsetMeans: meta.unsetMeans ?? null,
      secret: meta.secret !== undefined,
      flag: meta.flag ?? null,
      readBy: meta.readBy ?? null,
    };
  });
}

export const groupTitle = (group: Group) => GROUPS[group];

/** The default as a reader wants it: the text, else what unset means. */
export const defaultShown = (row: SettingRow): string | null => row.default ?? row.unsetMeans;
