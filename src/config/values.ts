// The kinds of value a setting takes, each a zod schema over the variable's text
// with `allowed`: what the error names when the text is not one of them.
import { z } from "zod";

/** What a bad value is told it should have been. */
export const allowedOf = (schema: z.ZodType): string => String(schema.meta()?.allowed ?? "a valid value");

const withAllowed = <T extends z.ZodType>(schema: T, allowed: string): T => schema.meta({ allowed });

export const text = (allowed = "any text") => withAllowed(z.string(), allowed);

/** A whole number; `unit` names what it counts ("milliseconds"). */
export function wholeNumber(o: { min: number; max?: number; unit?: string }) {
  const bounds = o.max !== undefined ? `from ${o.min} to ${o.max}` : `at least ${o.min}`;
  const schema = z
    .string()
    .trim()
    .regex(/^\d+$/)
    .transform(Number)
    .pipe(z.number().int().min(o.min).max(o.max ?? Number.MAX_SAFE_INTEGER));
  return withAllowed(schema, `a whole number${o.unit ? ` of ${o.unit}` : ""}, ${bounds}`);
}

/** A number of seconds above 0, as milliseconds. */
export const secondsAsMs = () =>
  withAllowed(
    z
      .string()
      .trim()
      .transform(Number)
      .pipe(z.number().finite().positive())
      .transform((s) => Math.round(s * 1000)),
    "a number of seconds above 0",
  );

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** "90s", "2m", "1500ms", "1h", or a bare number of seconds, as milliseconds. */
export const durationAsMs = (allowed: string) =>
  withAllowed(
    z
      .string()
      .regex(/^\s*\d+(?:\.\d+)?\s*(ms|s|m|h)?\s*$/)
      .transform((t) => {
        const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(t)!;
        return Math.round(Number(m[1]) * UNIT_MS[(m[2] ?? "s") as keyof typeof UNIT_MS]);
      }),
    allowed,
  );

const TRUE = ["1", "true", "yes", "on"];
const FALSE = ["0", "false", "no", "off"];

/** 1/true/yes/on or 0/false/no/off, in any case. */
export const boolean = () =>
  withAllowed(
    z
      .string()
      .trim()
      .toLowerCase()
      .refine((t) => TRUE.includes(t) || FALSE.includes(t))
      .transform((t) => TRUE.includes(t)),
    `one of ${[...TRUE, ...FALSE].join(", ")}`,
  );

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  withAllowed(z.string().trim().toLowerCase().pipe(z.enum(values)), `one of ${values.join(", ")}`);

/** A URL whose scheme is one of `protocols` ("redis:"). */
export const url = (protocols: string[], allowed: string) =>
  withAllowed(
    z
      .string()
      .trim()
      .refine((t) => URL.canParse(t) && protocols.includes(new URL(t).protocol)),
    allowed,
  );

/** Comma-separated entries, each checked by `entry`; empty entries are dropped. */
export const list = <T>(entry: (item: string) => T | undefined, allowed: string) =>
  withAllowed(
    z
      .string()
      .transform((t) => t.split(",").map((s) => s.trim()).filter(Boolean))
      .refine((items) => items.every((i) => entry(i) !== undefined))
      .transform((items) => items.map((i) => entry(i)!)),
    allowed,
  );
