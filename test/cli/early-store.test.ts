// Which embedded store the entry point starts opening before the command's modules
// load: only for commands that always open one, never for help, a server or PostgreSQL.
import { describe, expect, it } from "vitest";
import { earlyStoreDir } from "../../src/cli/early-store.js";

describe("the store a command line will open", () => {
  it("is the configured folder, or ./.conveyor, for the commands that open a store", () => {
    expect(earlyStoreDir(["run", "--tasks", "."], {})).toBe(".conveyor");
    expect(earlyStoreDir(["--debug", "status", "3f9a"], { CONVEYOR_DATA_DIR: "/srv/store" })).toBe("/srv/store");
    // as the setting takes it: written as it is, spaces and all
    expect(earlyStoreDir(["runs"], { CONVEYOR_DATA_DIR: " store " })).toBe(" store ");
    for (const command of ["plan", "resume", "recover", "runs", "logs", "cancel", "prune", "serve"]) {
      expect(earlyStoreDir([command], { CONVEYOR_DATA_DIR: " " })).toBe(".conveyor");
    }
  });

  it("is none when the store is PostgreSQL, the command opens none, or the line asks for help or a server", () => {
    expect(earlyStoreDir(["run"], { DATABASE_URL: "postgresql://db/conveyor" })).toBeUndefined();
    expect(earlyStoreDir(["watch", "3f9a"], {})).toBeUndefined();
    expect(earlyStoreDir(["config"], {})).toBeUndefined();
    expect(earlyStoreDir([], {})).toBeUndefined();
    expect(earlyStoreDir(["--version"], {})).toBeUndefined();
    expect(earlyStoreDir(["run", "--help"], {})).toBeUndefined();
    expect(earlyStoreDir(["status", "-h"], {})).toBeUndefined();
    expect(earlyStoreDir(["logs", "3f9a", "--follow", "--server=http://h:4000"], {})).toBeUndefined();
    // CONVEYOR_SERVER may name the server a follow reads from
    expect(earlyStoreDir(["logs", "3f9a", "build", "-f"], {})).toBeUndefined();
  });
});
