// The entry point starts opening an existing embedded store while the command's
// modules load (storage/early-open.ts). The real open takes that store instead of
// opening the folder twice; an early open of another folder is closed and its lock
// let go; a folder without a store, or one in use, is left to the real open.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/storage/database.js";
import { openEarly, takeEarly } from "../../src/storage/early-open.js";
import { tempDir } from "../support/databases.js";

const root = tempDir("conveyor-early-");
const store = join(root, "store");
const lockFile = join(store, "conveyor.lock");
afterAll(() => rmSync(root, { recursive: true, force: true }));

// opening a store takes a second or more, far more on a loaded machine
describe("opening the embedded store early", { timeout: 120_000 }, () => {
  beforeAll(async () => {
    const db = await openDatabase({ dataDir: store });
    await db.sql.exec("CREATE TABLE early_mark (n int); INSERT INTO early_mark VALUES (7)");
    await db.close();
  }, 120_000);

  it("gives the real open the store it started, holding the folder's lock, once", async () => {
    openEarly(store);
    expect(readFileSync(lockFile, "utf8")).toBe(String(process.pid));
    const db = await openDatabase({ dataDir: store });
    try {
      expect(await db.sql.query("SELECT n FROM early_mark")).toEqual([{ n: 7 }]);
      expect(await takeEarly(store)).toBeUndefined(); // the real open took it
    } finally {
      await db.close();
    }
    expect(existsSync(lockFile)).toBe(false);
  });

  it("closes an early open of another folder and lets its lock go", async () => {
    openEarly(store);
    expect(existsSync(lockFile)).toBe(true);
    expect(await takeEarly(join(root, "elsewhere"))).toBeUndefined();
    expect(existsSync(lockFile)).toBe(false);
  });

  it("makes nothing where there is no store yet", async () => {
    const none = join(root, "none");
    openEarly(none);
    expect(existsSync(none)).toBe(false);
    expect(await takeEarly(none)).toBeUndefined();
  });

  it("leaves a store in use by another process to the real open, which says so", async () => {
    const holder = spawn("sleep", ["60"], { stdio: "ignore" });
    try {
      writeFileSync(lockFile, String(holder.pid));
      openEarly(store);
      expect(await takeEarly(store)).toBeUndefined();
      await expect(openDatabase({ dataDir: store })).rejects.toThrow(`is in use by process ${holder.pid}`);
      expect(readFileSync(lockFile, "utf8")).toBe(String(holder.pid));
    } finally {
      holder.kill();
      rmSync(lockFile, { force: true });
    }
  });
});
