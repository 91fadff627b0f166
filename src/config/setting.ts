// One setting: the kind of value its environment variable holds, where it
// belongs, what it does, its default (as one would write it in the variable)
// and whether its value is a secret. Unset and blank mean the default.
import { z } from "zod";
import type { Kind } from "./values.js";

/** The parts of Conveyor a setting configures, in the order `conveyor config` lists them. */
export const GROUPS = {
  store: "Store",
  engine: "Engine",
  argo: "Argo Workflows executor",
  api: "API server (conveyor serve)",
  webhooks: "Webhooks",
  tracing: "Tracing (OpenTelemetry, docs/tracing.md)",
  client: "Clients of a server (watch, logs --follow)",
  cli: "Command line",
} as const;
export type Group = keyof typeof GROUPS;

export interface SettingMeta {
  group: Group;
  description: string;
  /** The variable's text when it is unset. */
  default?: string;
  /** What applies when it is unset and no default text says it ("the embedded store"). */
  unsetMeans?: string;
  /** "value": never shown; "url": shown with the password hidden. */
  secret?: "value" | "url";
  /** The command-line flag that sets it too, where one does. */
  flag?: string;
  /** Read by a library rather than by Conveyor's code: listed and checked, not used by Conveyor itself. */
  readBy?: string;
}

export interface Setting<T> {
  meta: SettingMeta & { allowed: string };
  /** Its zod schema over the variable (unset included), built on first use. */
  schema: () => z.ZodType<T>;
}

type Described = Omit<SettingMeta, "allowed">;

export function setting<T>(kind: Kind<T>, meta: Described & { default: string }): Setting<T>;
export function setting<T>(kind: Kind<T>, meta: Described): Setting<T | undefined>;
export function setting<T>(kind: Kind<T>, meta: Described): Setting<T | undefined> {
  const given = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v : meta.default);
  let built: z.ZodType<T | undefined> | undefined;
  const schema = () =>
    (built ??= z
      .preprocess(given, meta.default === undefined ? kind.schema().optional() : kind.schema())
      .describe(meta.description) as z.ZodType<T | undefined>);
  return { meta: { ...meta, allowed: kind.allowed }, schema };
}
