// Messages between PgliteThread (the main thread) and the thread that runs PGlite.
// Parser functions cannot cross threads: for the type ids a caller parses itself,
// the database thread returns the text as PostgreSQL sent it.

/** What the thread is started with: the data folder, and the seed to unpack into it when it is new. */
export interface ThreadStart {
  dataDir: string;
  seed?: string;
}

export type Request =
  | { id: number; op: "query"; sql: string; params?: unknown[]; rowMode?: "array" | "object"; rawTypes?: number[] }
  | { id: number; op: "exec"; sql: string }
  | { id: number; op: "close" };

export interface QueryResult {
  rows: unknown[];
  fields: { name: string; dataTypeID: number }[];
  affectedRows?: number;
}

/** A failure, with PostgreSQL's error fields (code, detail, …) when the database raised it. */
export interface ErrorPayload {
  message: string;
  fields: Record<string, unknown>;
  fromDatabase: boolean;
}

/** id 0 answers the thread's start: ok once the data folder is open. */
export type Reply = { id: number; ok: true; result?: QueryResult } | { id: number; ok: false; error: ErrorPayload };
