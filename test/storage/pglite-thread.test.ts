// PGlite on its own thread, as the main thread sees it: results and PostgreSQL's
// errors come back as the in-process PGlite gives them, parsers run on this side,
// and a transaction keeps requests from outside it out until it ends; Prisma's
// adapter works through it, interactive transactions included.
import { messages } from "@electric-sql/pglite";
import { existsSync, rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/storage/database.js";
import { PgliteThread } from "../../src/storage/pglite-thread/pglite-thread.js";
import { tempDir } from "../support/databases.js";

/** The seed `npm run build` makes: the threads that only need to exist skip initdb (seconds each). */
const SEED = existsSync("dist/pglite-seed.tar.gz") ? "dist/pglite-seed.tar.gz" : undefined;

describe("PgliteThread", () => {
  const dir = tempDir("conveyor-pglite-thread-");
  let db: PgliteThread;

  beforeAll(async () => {
    db = await PgliteThread.open(dir);
    await db.exec("CREATE TABLE t (id int PRIMARY KEY, doc jsonb, at timestamptz)");
  }, 60_000);

  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("returns rows as PGlite does, objects or arrays, with the caller's parsers applied here", async () => {
    await db.query("INSERT INTO t VALUES ($1, $2, $3)", [1, JSON.stringify({ a: [1, 2] }), new Date("2026-01-02T03:04:05Z")]);
    const objects = await db.query<{ id: number; doc: unknown; at: Date }>("SELECT id, doc, at FROM t WHERE id = 1");
    expect(objects.rows).toEqual([{ id: 1, doc: { a: [1, 2] }, at: new Date("2026-01-02T03:04:05Z") }]);
    expect(objects.fields.map((f) => f.name)).toEqual(["id", "doc", "at"]);
    // 23 = int4: the parser sees PostgreSQL's text; the other columns keep the default parsing
    const arrays = await db.query<unknown[]>("SELECT id, doc FROM t WHERE id = 1", [], {
      rowMode: "array",
      parsers: { 23: (text, type) => `${type}:${text}` },
    });
    expect(arrays.rows).toEqual([["23:1", { a: [1, 2] }]]);
    const updated = await db.query("UPDATE t SET doc = NULL WHERE id = 1");
    expect(updated.affectedRows).toBe(1);
  });

  it("rejects with PostgreSQL's own error class and fields", async () => {
    const err = await db.query("SELECT * FROM missing_table").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(messages.DatabaseError);
    expect(err).toMatchObject({ code: "42P01", message: 'relation "missing_table" does not exist' });
    // the thread goes on serving
    expect((await db.query<{ n: number }>("SELECT 1 AS n")).rows).toEqual([{ n: 1 }]);
  });

  it("fails a query whose parameters cannot cross threads, and goes on serving", async () => {
    await expect(db.query("SELECT $1::text", [() => "a function"])).rejects.toThrow(/cannot send the query to the database thread/);
    expect((await db.query<{ n: number }>("SELECT 2 AS n")).rows).toEqual([{ n: 2 }]);
  });

  it("keeps requests from outside a transaction out until it commits", async () => {
    let outside: Promise<{ rows: { n: number }[] }> | undefined;
    await db.transaction(async (tx) => {
      await tx.query("INSERT INTO t (id) VALUES (10)");
      outside = db.query<{ n: number }>("SELECT count(*)::int AS n FROM t WHERE id >= 10");
      await new Promise((r) => setTimeout(r, 20));
      await tx.query("INSERT INTO t (id) VALUES (11)");
    });
    expect((await outside!).rows).toEqual([{ n: 2 }]);
  });

  it("rolls back when the transaction throws, or when it is rolled back by hand", async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO t (id) VALUES (20)");
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    await db.transaction(async (tx) => {
      await tx.query("INSERT INTO t (id) VALUES (21)");
      void tx.rollback(); // as pglite-prisma-adapter does: not awaited
    });
    expect((await db.query("SELECT id FROM t WHERE id IN (20, 21)")).rows).toEqual([]);
  });

  it("fails what is in flight and everything after, naming why, when its thread dies", async () => {
    const otherDir = tempDir("conveyor-pglite-thread-dead-");
    const other = await PgliteThread.open(otherDir, SEED);
    // a crash of the thread (a WASM abort, say), forced from outside
    const inFlight = other.query("SELECT pg_sleep(1)");
    await (other as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await expect(inFlight).rejects.toThrow(/the embedded database thread exited/);
    await expect(other.query("SELECT 1")).rejects.toThrow(/the embedded database thread exited/);
    await other.close();
    rmSync(otherDir, { recursive: true, force: true });
  }, 60_000);

  it("refuses requests once closed, naming why", async () => {
    const otherDir = tempDir("conveyor-pglite-thread-closed-");
    const other = await PgliteThread.open(otherDir, SEED);
    await other.close();
    await expect(other.query("SELECT 1")).rejects.toThrow("the embedded database is closed");
    rmSync(otherDir, { recursive: true, force: true });
  }, 60_000);
});

describe("Prisma on PgliteThread", () => {
  const dir = tempDir("conveyor-pglite-thread-prisma-");
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ dataDir: dir });
  }, 60_000);
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (id: string) => ({ id, status: "pending", options: {}, source: {}, total: 0 });

  it("commits an interactive transaction, and rolls one back when it throws", async () => {
    const prisma = await db.prisma();
    await prisma.$transaction(async (tx) => {
      await tx.run.create({ data: run("kept") });
    });
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.run.create({ data: run("dropped") });
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect((await prisma.run.findMany({ select: { id: true } })).map((r) => r.id)).toEqual(["kept"]);
  });

  it("maps a unique violation to Prisma's own error", async () => {
    await expect((await db.prisma()).run.create({ data: run("kept") })).rejects.toMatchObject({ code: "P2002" });
  });
});
