// The kinds of value a setting takes: what a value must be, in words (for errors
// and the docs), and the zod schema over the variable's text that checks it,
// built only when settings are first parsed (so --help and --version never pay for it).
import { z } from "zod";

export interface Kind<T> {
  allowed: string;
  schema: () => z.ZodType<T, string>;
}

const kind = <T>(allowed: string, schema: () => z.ZodType<T, string>): Kind<T> => ({ allowed, schema });

export const text = (allowed = "any text") => kind(allowed, () => z.string());

/** A whole number; `unit` names what it counts ("milliseconds"). */
export function wholeNumber(o: { min: number; max?: number; unit?: string }): Kind<number> {
  const bounds = o.max !== undefined ? `from ${o.min} to ${o.max}` : `at least ${o.min}`;
  return kind(`a whole number${o.unit ? ` of ${o.unit}` : ""}, ${bounds}`, () =>
    z
      .string()
      .trim()
      .regex(/^\d+$/)
      .transform(Number)
      .pipe(
        z
          .number()
          .int()
          .min(o.min)
          .max(o.max ?? Number.MAX_SAFE_INTEGER),
      ),
  );
}

/** A number of seconds above 0, as milliseconds. */
export const secondsAsMs = () =>
  kind("a number of seconds above 0", () =>
    z
      .string()
      .trim()
      .transform(Number)
      .pipe(z.number().finite().positive())
      .transform((s) => Math.round(s * 1000)),
  );

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** "90s", "2m", "1500ms", "1h", or a bare number of seconds, as milliseconds; at least `minMs`. */
export const durationAsMs = (allowed: string, minMs = 0) =>
  kind(allowed, () =>
    z
      .string()
      .regex(DURATION)
      .transform((t) => {
        const m = DURATION.exec(t)!;
        return Math.round(Number(m[1]) * UNIT_MS[(m[2] ?? "s") as keyof typeof UNIT_MS]);
      })
      .pipe(z.number().min(minMs)),
  );

const TRUE = ["1", "true", "yes", "on"];
const FALSE = ["0", "false", "no", "off"];

/** 1/true/yes/on or 0/false/no/off, in any case. */
export const boolean = () =>
  kind(`one of ${[...TRUE, ...FALSE].join(", ")}`, () =>
    z
      .string()
      .trim()
      .toLowerCase()
      .refine((t) => TRUE.includes(t) || FALSE.includes(t))
      .transform((t) => TRUE.includes(t)),
  );

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  kind(`one of ${values.join(", ")}`, () => z.string().trim().toLowerCase().pipe(z.enum(values)));

/** A URL whose scheme is one of `protocols` ("redis:"); with `orPath`, an absolute path too (a unix socket). */
export const url = (protocols: string[], allowed: string, orPath = false) =>
  kind(allowed, () =>
    z
      .string()
      .trim()
      .refine((t) => (orPath && t.startsWith("/")) || (URL.canParse(t) && protocols.includes(new URL(t).protocol))),
  );

/** Parsed by `parse`, whose error message becomes the refusal's detail. */
export const parsed = <T>(parse: (text: string) => T, allowed: string) =>
  kind(allowed, () =>
    z.string().transform((t, ctx) => {
      try {
        return parse(t);
      } catch (err) {
        ctx.issues.push({ code: "custom", message: (err as Error).message, input: t });
        return z.NEVER;
      }
    }),
  );
