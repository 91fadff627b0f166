// The one read of the process environment. Kept apart from the settings schema
// (and free of zod) so the task spawner's small helper process can import it cheaply.

/** A copy of this process's environment: what settings are parsed from, and what task processes inherit. */
export function processEnvironment(): Record<string, string | undefined> {
  return { ...process.env };
}
