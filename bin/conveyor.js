#!/usr/bin/env node
// Node 22.1+ keeps the compiled code of Conveyor's modules on disk between runs
// (in the OS temp folder, or NODE_COMPILE_CACHE): every command starts sooner.
// Older Node has no such cache and starts as before.
import module from "node:module";

module.enableCompileCache?.();
// imported, not a static import: those would load before the cache is on
await import("../dist/src/cli/bin.js");
