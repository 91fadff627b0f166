// The conveyor command as a child process on its own embedded store.
import { tempDir } from "../support/databases.js";
import { runConveyor, type ConveyorProcess } from "../support/conveyor-process.js";

export function conveyor(args: string[], dataDir = tempDir()): ConveyorProcess {
  return runConveyor(args, { CONVEYOR_DATA_DIR: dataDir });
}
