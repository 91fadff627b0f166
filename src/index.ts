// The library entry of Conveyor (`import { createConveyor } from "conveyor-runs"`):
// what an embedder needs to start runs in its own process, and nothing the CLI
// or the server keeps to itself.
export { createConveyor, type Conveyor, type ConveyorConfig } from "./root.js";
export { createApp, type App, type AppConfig } from "./app.js";
export type { ServerConfig } from "./api/config.js";
export type { ApiServer } from "./api/server.js";
export { loadSettings, SettingsError, type Environment, type Settings } from "./config.js";
export type { Engine, ExecutorFactory, StartRunInput, StartedRun } from "./engine/engine.js";
export type { Executor, ExecutionOutcome, ExecutionRequest } from "./engine/executor.js";
export type { EventBus, Logger, RunEvent } from "./engine/ports.js";
export { InProcessExecutor, type TaskFunction, type TaskFunctions } from "./executors/in-process.js";
export { inlineSource, parseTaskFile, type ParseOptions } from "./core/taskmaster/index.js";
export type { TaskSource, SourceTask } from "./core/task.js";
export type { RunOptions, RunOptionsInput } from "./core/run-options.js";
export * from "./core/errors.js";
