// PGlite on a thread of its own (worker.ts), seen from the main thread. It offers
// what Conveyor and pglite-prisma-adapter call on a PGlite instance: query (with
// rowMode and per-type parsers), exec, and transaction (tx.query, tx.exec,
// tx.rollback). Requests go out in call order and the thread serves them in that
// order; while a transaction is open, requests from outside it wait their turn.
import type { messages, PGlite } from "@electric-sql/pglite";
import type { Worker } from "node:worker_threads";
import { siblingWorker } from "../../runtime/sibling-module.js";
import type { ErrorPayload, QueryResult, Reply, Request, ThreadStart } from "./protocol.js";

type Parser = (text: string, typeId: number) => unknown;
export interface QueryOptions {
  rowMode?: "array" | "object";
  parsers?: Record<number, Parser>;
}
type Outgoing = Request extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

/** A query's answer, as PGlite gives it. */
export type Rows<T> = { rows: T[]; fields: QueryResult["fields"]; affectedRows?: number };

export interface PgliteTransaction {
  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Rows<T>>;
  exec(sql: string): Promise<void>;
  rollback(): Promise<void>;
}

/**
 * PGlite's error class, loaded while the thread starts rather than before: the thread can start
 * sooner, and this side needs it only for the thread's answers.
 */
let DatabaseError: typeof messages.DatabaseError | undefined;
const loadDatabaseError = () =>
  import("@electric-sql/pglite").then((m) => {
    DatabaseError = m.messages.DatabaseError;
  });

function toError(e: ErrorPayload): Error {
  if (!e.fromDatabase || !DatabaseError) return Object.assign(new Error(e.message), e.fields);
  // the class pglite-prisma-adapter recognises, with PostgreSQL's fields (code, detail, …)
  return Object.assign(new DatabaseError(e.message, 0, "error"), e.fields);
}

/** Applies the caller's parsers to the columns the thread returned as text. */
function parse(result: QueryResult, parsers: Record<number, Parser>, rowMode: "array" | "object"): void {
  const columns = result.fields.flatMap((f, i) =>
    parsers[f.dataTypeID] ? [{ key: rowMode === "array" ? i : f.name, type: f.dataTypeID }] : [],
  );
  if (columns.length === 0) return;
  for (const row of result.rows as Record<string | number, unknown>[]) {
    for (const { key, type } of columns) {
      const v = row[key];
      if (v !== null && v !== undefined) row[key] = parsers[type]!(v as string, type);
    }
  }
}

export class PgliteThread {
  private readonly pending = new Map<number, { resolve: (r: QueryResult | undefined) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  /** Settles when the open transaction (if any) ends: what outside requests wait for. */
  private gate: Promise<void> = Promise.resolve();
  private stopped: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on("message", (reply: Reply) => this.onReply(reply));
    worker.on("error", (err: unknown) =>
      this.fail(new Error(`the embedded database thread failed: ${err instanceof Error ? err.message : String(err)}`)),
    );
    worker.on("exit", (code) => this.fail(new Error(`the embedded database thread exited (code ${code})`)));
  }

  /** Starts the thread and opens the data folder in it (the caller holds the folder's lock). */
  static async open(dataDir: string, seed?: string): Promise<PgliteThread> {
    const thread = new PgliteThread(siblingWorker(import.meta.url, "worker", { dataDir, ...(seed ? { seed } : {}) } satisfies ThreadStart));
    try {
      await Promise.all([new Promise<unknown>((resolve, reject) => thread.pending.set(0, { resolve, reject })), loadDatabaseError()]);
    } catch (err) {
      await thread.worker.terminate();
      throw err;
    }
    thread.worker.unref();
    return thread;
  }

  query<T>(sql: string, params?: unknown[], options: QueryOptions = {}): Promise<Rows<T>> {
    return this.gate.then(() => this.runQuery<T>(sql, params, options));
  }

  exec(sql: string): Promise<void> {
    return this.gate.then(() => this.runExec(sql));
  }

  async transaction<T>(fn: (tx: PgliteTransaction) => Promise<T>): Promise<T> {
    const before = this.gate;
    let open!: () => void;
    this.gate = new Promise((resolve) => (open = resolve));
    await before;
    let ended = false;
    const end = (sql: "COMMIT" | "ROLLBACK") => {
      ended = true;
      return this.runExec(sql);
    };
    const tx: PgliteTransaction = {
      query: (sql, params, options = {}) => this.runQuery(sql, params, options),
      exec: (sql) => this.runExec(sql),
      rollback: () => {
        const done = end("ROLLBACK");
        done.catch(() => undefined); // callers may not wait for it (pglite-prisma-adapter does not)
        return done;
      },
    };
    try {
      await this.runExec("BEGIN");
      const result = await fn(tx);
      if (!ended) await end("COMMIT");
      return result;
    } catch (err) {
      if (!ended) await end("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      open();
    }
  }

  async close(): Promise<void> {
    await this.gate;
    if (!this.stopped) await this.send({ op: "close" }).catch(() => undefined);
    this.stopped ??= new Error("the embedded database is closed");
    await this.worker.terminate();
  }

  private async runExec(sql: string): Promise<void> {
    await this.send({ op: "exec", sql });
  }

  private async runQuery<T>(sql: string, params: unknown[] | undefined, options: QueryOptions): Promise<Rows<T>> {
    const rowMode = options.rowMode ?? "object";
    const parsers = options.parsers ?? {};
    const rawTypes = Object.keys(parsers).map(Number);
    const result = (await this.send({ op: "query", sql, params, rowMode, ...(rawTypes.length ? { rawTypes } : {}) }))!;
    parse(result, parsers, rowMode);
    return result as Rows<T>;
  }

  private send(req: Outgoing): Promise<QueryResult | undefined> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    // a request in flight keeps the process alive; an idle thread does not
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        this.worker.postMessage({ ...req, id });
      } catch (err) {
        // parameters that cannot cross threads (a function, say): this request fails, nothing else
        this.onReply({
          id,
          ok: false,
          error: { message: `cannot send the query to the database thread: ${(err as Error).message}`, fields: {}, fromDatabase: false },
        });
      }
    });
  }

  private onReply(reply: Reply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0 && reply.id !== 0) this.worker.unref();
    if (reply.ok) p.resolve(reply.result);
    else p.reject(toError(reply.error));
  }

  private fail(err: Error): void {
    this.stopped ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

/** What pglite-prisma-adapter is given: it calls only what PgliteThread offers (see the top of this file). */
export const asPglite = (thread: PgliteThread): PGlite => thread as unknown as PGlite;
