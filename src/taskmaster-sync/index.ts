// Task Master status write-back (docs/taskmaster.md).

export { StatusSync } from "./status-sync.js";
export { StatusWriteBack } from "./write-back.js";
