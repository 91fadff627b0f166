// Parsing the environment into typed settings, once, at start: a bad value is a
// usage error naming the variable (or the flag) and what it may be.
import type { z } from "zod";
import { ConveyorError } from "../core/errors.js";
import { processEnvironment } from "./environment.js";
import { maskUrl } from "./mask.js";
import { SETTINGS, settingsSchema, type SettingName, type Settings } from "./settings.js";

export type Environment = Record<string, string | undefined>;

/** Values that cannot be used, each named by its variable or flag; exit code 2 on the command line. */
export class SettingsError extends ConveyorError {
  readonly code = "INVALID_SETTING";
  constructor(readonly problems: { name: string; message: string }[]) {
    super(problems.map((p) => `${p.name}: ${p.message}`).join("; "));
  }
}

/** "a whole number …, not "15s"" (the value left out for a secret), with a check's own reason when it gave one. */
function problem(name: SettingName, raw: unknown, issues: z.core.$ZodIssue[]): string {
  const meta = SETTINGS[name].meta;
  const shown =
    meta.secret === "value" || typeof raw !== "string" || raw.trim() === "" ? "" : `, not "${meta.secret === "url" ? maskUrl(raw) : raw}"`;
  const detail = issues.find((i) => i.code === "custom" && !/^Invalid/.test(i.message))?.message;
  return `${meta.allowed}${shown}${detail ? ` (${detail})` : ""}`;
}

/** The settings from an environment (this process's by default); throws SettingsError naming each bad one. */
export function loadSettings(env: Environment = processEnvironment()): Settings {
  const result = settingsSchema().safeParse(env);
  if (result.success) return result.data;
  const byName = new Map<SettingName, z.core.$ZodIssue[]>();
  for (const issue of result.error.issues) {
    const name = String(issue.path[0]) as SettingName;
    byName.set(name, [...(byName.get(name) ?? []), issue]);
  }
  throw new SettingsError([...byName].map(([name, issues]) => ({ name, message: problem(name, env[name], issues) })));
}

/**
 * A flag that sets a setting (--port sets CONVEYOR_API_PORT), checked by the
 * same schema and named as the flag; the setting as it is when the flag is absent.
 */
export function withFlag<N extends SettingName>(settings: Settings, name: N, flag: string, value: string | undefined): Settings[N] {
  if (value === undefined) return settings[name];
  const result = SETTINGS[name].schema().safeParse(value);
  if (!result.success) throw new SettingsError([{ name: flag, message: problem(name, value, result.error.issues) }]);
  return result.data as Settings[N];
}
