// A new store's seed is unpacked file by file into the store's folder: names from the
// dump's root land inside it, a server's lock file is left out, and an entry that would
// write outside the folder, or is not a file or folder, fails the unpacking.
import { createWriteStream, existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { pack } from "tar-stream";
import { afterAll, describe, expect, it } from "vitest";
import { unpackSeed } from "../../src/storage/pglite-thread/unpack-seed.js";
import { tempDir } from "../support/databases.js";

const root = tempDir("conveyor-unpack-");
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Entry = { name: string; type?: "file" | "directory" | "symlink"; body?: string; linkname?: string };

async function seedOf(name: string, entries: Entry[]): Promise<string> {
  const tar = pack();
  for (const e of entries) {
    const mode = e.type === "directory" ? 0o700 : 0o600;
    tar.entry({ name: e.name, type: e.type ?? "file", mode, linkname: e.linkname }, e.body ?? "");
  }
  tar.finalize();
  const file = join(root, `${name}.tar.gz`);
  await pipeline(tar, createGzip(), createWriteStream(file));
  return file;
}

describe("unpacking the seed", () => {
  it("writes every file and folder inside the store, from names rooted at /, without the server's lock file", async () => {
    const seed = await seedOf("good", [
      { name: "/base", type: "directory" },
      { name: "/base/1/1259", body: "catalog" },
      { name: "/PG_VERSION", body: "17\n" },
      { name: "/postmaster.pid", body: "42" },
      { name: "/pg_wal/000000010000000000000001", body: "w".repeat(100_000) },
    ]);
    const dir = join(root, "store");
    await unpackSeed(seed, dir);
    expect(readdirSync(dir).sort()).toEqual(["PG_VERSION", "base", "pg_wal"]);
    expect(readFileSync(join(dir, "base", "1", "1259"), "utf8")).toBe("catalog");
    expect(readFileSync(join(dir, "pg_wal", "000000010000000000000001"), "utf8")).toHaveLength(100_000);
    // the archive's modes, PostgreSQL's 0700 folders included (a folder only implied by a file's path too)
    expect(statSync(join(dir, "base")).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, "pg_wal")).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, "PG_VERSION")).mode & 0o777).toBe(0o600);
  });

  it("refuses an entry that would land outside the store, writing nothing there", async () => {
    const seed = await seedOf("escape", [
      { name: "/PG_VERSION", body: "17\n" },
      { name: "../escaped", body: "x" },
    ]);
    await expect(unpackSeed(seed, join(root, "escape-store"))).rejects.toThrow("the seed names a path outside the store: ../escaped");
    expect(existsSync(join(root, "escaped"))).toBe(false);
  });

  it("refuses an entry that is neither a file nor a folder", async () => {
    const seed = await seedOf("link", [{ name: "/pg_tblspc/1", type: "symlink", linkname: "/etc" }]);
    await expect(unpackSeed(seed, join(root, "link-store"))).rejects.toThrow("the seed holds a symlink (/pg_tblspc/1)");
  });
});
