// One setting: a zod schema over its environment variable's text, with where it
// belongs, what it does, its default (as one would write it in the variable) and
// whether its value is a secret. Unset and blank mean the default.
import { z } from "zod";
import { allowedOf } from "./values.js";

/** The parts of Conveyor a setting configures, in the order `conveyor config` lists them. */
export const GROUPS = {
  store: "Store",
  engine: "Engine",
  argo: "Argo Workflows executor",
  api: "API server (conveyor serve)",
  webhooks: "Webhooks and browsers",
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
  /** Read by a library rather than by Conveyor's code: listed, never parsed into a value it uses. */
  readBy?: string;
  /** What a value must be, for errors and the docs (from the value's kind). */
  allowed: string;
}

export const settingRegistry = z.registry<SettingMeta>();

export function setting<T>(schema: z.ZodType<T>, meta: Omit<SettingMeta, "allowed"> & { default: string }): z.ZodType<T>;
export function setting<T>(schema: z.ZodType<T>, meta: Omit<SettingMeta, "allowed">): z.ZodType<T | undefined>;
export function setting<T>(schema: z.ZodType<T>, meta: Omit<SettingMeta, "allowed">): z.ZodType<T | undefined> {
  const given = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v : meta.default);
  const full = z.preprocess(given, meta.default === undefined ? schema.optional() : schema).describe(meta.description);
  full.register(settingRegistry, { ...meta, allowed: allowedOf(schema) });
  return full as z.ZodType<T | undefined>;
}

export function metaOf(schema: z.ZodType): SettingMeta {
  const meta = settingRegistry.get(schema);
  if (!meta) throw new Error("a settings field made without setting()");
  return meta;
}
