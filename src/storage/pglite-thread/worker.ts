// The embedded database's own thread. PGlite is PostgreSQL compiled to WASM: its
// CPU, most of what a commit costs, runs here, beside the engine's event loop
// instead of inside it. Requests are served in the order they come (PGlite
// queues them itself); transactions are ordinary BEGIN … COMMIT on its one session.
import { messages, PGlite } from "@electric-sql/pglite";
import { parentPort, workerData } from "node:worker_threads";
import { describeFailure } from "./failure.js";
import type { ErrorPayload, Reply, Request, ThreadStart } from "./protocol.js";
import { unpackSeed } from "./unpack-seed.js";

const port = parentPort!;
const { dataDir, seed } = workerData as ThreadStart;
const keepText = (text: string) => text;

/**
 * PostgreSQL's default of 128 MB of shared buffers is most of what PGlite makes this process
 * weigh; a store of runs is a few MB of hot pages (the throughput bench does not slow down at 16).
 */
const START_PARAMS = [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB"];

/**
 * PostgreSQL's fields (code, detail, constraint, …) are strings and numbers; PGlite also hangs the
 * query's options on its errors, parser functions included, which cannot cross threads.
 */
function errorPayload(err: unknown): ErrorPayload {
  if (!(err instanceof Error)) {
    const { message, code } = describeFailure(err);
    return { message, fields: code ? { code } : {}, fromDatabase: false };
  }
  const fields = Object.fromEntries(Object.entries(err).filter(([, v]) => ["string", "number", "boolean"].includes(typeof v)));
  return { message: err.message, fields, fromDatabase: err instanceof messages.DatabaseError };
}

async function serve(db: PGlite, req: Request): Promise<Reply> {
  switch (req.op) {
    case "query": {
      const parsers = req.rawTypes && Object.fromEntries(req.rawTypes.map((t) => [t, keepText]));
      const r = await db.query(req.sql, req.params, { rowMode: req.rowMode, ...(parsers ? { parsers } : {}) });
      return { id: req.id, ok: true, result: { rows: r.rows, fields: r.fields, affectedRows: r.affectedRows } };
    }
    case "exec":
      await db.exec(req.sql);
      return { id: req.id, ok: true };
    case "close":
      await db.close();
      return { id: req.id, ok: true };
  }
}

async function start(): Promise<void> {
  if (seed) await unpackSeed(seed, dataDir);
  const db = await PGlite.create(dataDir, { startParams: START_PARAMS });
  port.on("message", (req: Request) => {
    serve(db, req)
      .catch((err: unknown): Reply => ({ id: req.id, ok: false, error: errorPayload(err) }))
      .then((reply) => {
        try {
          port.postMessage(reply);
        } catch (err) {
          // a result that cannot cross threads fails its request, not the thread
          port.postMessage({ id: req.id, ok: false, error: errorPayload(err) } satisfies Reply);
        }
      });
  });
  port.postMessage({ id: 0, ok: true } satisfies Reply);
}

// not a top-level await: from source this file is loaded as CommonJS
start().catch((err: unknown) => port.postMessage({ id: 0, ok: false, error: errorPayload(err) } satisfies Reply));
