// Conveyor's side of the spawner process (helper.ts): a ProcessLauncher that
// has the helper start task processes and relays their output and exit back
// to the local executor. Create it before the store opens, so the one fork
// that starts the helper is cheap too; the helper then stays small whatever
// Conveyor grows to, and every task spawn is a fork of the small process.
//
// Several tasks at once are spread over up to `maxHelpers` helpers, started
// as they become needed: a spawn blocks its helper until the child has
// exec'd, so one helper would start tasks strictly one after another.
//
// If a helper dies, the tasks it was relaying are reported lost (the
// executor kills their process groups, or finds their processes by their
// environment if the pid had not reached it, and fails the attempts, which the
// retry policy may run again) and the next launch starts a new helper. If it
// never comes up at all, tasks are spawned directly from this process.

import { spawn, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import type { Socket } from "node:net";
import { siblingModule } from "../../runtime/sibling-module.js";
import { OutputTail } from "../output-tail.js";
import { directLauncher, type LaunchedProcess, type LaunchListener, type LaunchSpec, type ProcessLauncher } from "../process-launcher.js";
import { FrameReader, FrameWriter, Reply, Request } from "./frames.js";

/** A helper that has not said it is ready by then is given up on. */
const READY_TIMEOUT_MS = 15_000;

interface Entry {
  listener: LaunchListener;
  spec: LaunchSpec;
  /** Set when the task was handed to directLauncher instead. */
  direct?: LaunchedProcess;
}

interface Helper {
  child: ChildProcess;
  socket: Socket;
  out: FrameWriter;
  entries: Map<number, Entry>;
  /** Requests held until the helper reads them: if it never does, they go to directLauncher unharmed. */
  queued: number[] | undefined;
  stderr: OutputTail;
  readyTimer: NodeJS.Timeout;
}

// Undefined when the helper cannot be loaded (source run without tsx): tasks are then spawned directly.
const helperArgs = ((): string[] | undefined => {
  try {
    const { path, tsxHook } = siblingModule(import.meta.url, "helper");
    return tsxHook ? ["--require", tsxHook, "--eval", `require(${JSON.stringify(path)})`] : [path];
  } catch {
    return undefined;
  }
})();

export class Spawner implements ProcessLauncher {
  private readonly helpers: Helper[] = [];
  private nextId = 0;
  /** The helper could not be started: spawn from this process from now on. */
  private fallback = false;
  private closed = false;

  constructor(
    private readonly warn: (message: string) => void = () => undefined,
    private readonly maxHelpers = Math.min(4, availableParallelism()),
  ) {
    if (helperArgs) this.helpers.push(this.start());
    else {
      this.fallback = true;
      warn("no spawner process from source without tsx: task processes are spawned directly");
    }
  }

  launch(spec: LaunchSpec, listener: LaunchListener): LaunchedProcess {
    if (this.fallback || this.closed) return directLauncher.launch(spec, listener);
    const helper = this.pick();
    const id = ++this.nextId;
    const entry: Entry = { listener, spec };
    helper.entries.set(id, entry);
    if (helper.entries.size === 1) helper.socket.ref();
    if (helper.queued) helper.queued.push(id);
    else helper.out.send(Request.spawn, id, JSON.stringify(spec));
    return {
      destroyOutput: () => {
        if (entry.direct) entry.direct.destroyOutput();
        else if (helper.entries.get(id) === entry && !helper.queued) helper.out.send(Request.destroyOutput, id);
      },
    };
  }

  /** Lets the helpers go (they exit); attempts still in flight are reported lost. */
  close(): void {
    this.closed = true;
    for (const helper of this.helpers.splice(0)) helper.socket.end();
  }

  /** The least busy helper; a new one while every helper is busy and there may be more. */
  private pick(): Helper {
    let best: Helper | undefined;
    for (const h of this.helpers) if (!best || h.entries.size < best.entries.size) best = h;
    if (best && (best.entries.size === 0 || this.helpers.length >= this.maxHelpers)) return best;
    const helper = this.start();
    this.helpers.push(helper);
    return helper;
  }

  private start(): Helper {
    // Its own session, like the tasks: a Ctrl-C meant for Conveyor (which then stops its runs) must not kill it first.
    const child = spawn(process.execPath, helperArgs!, { detached: true, stdio: ["ignore", "ignore", "pipe", "pipe"] });
    const socket = child.stdio[3] as Socket;
    const readyTimer = setTimeout(() => child.kill("SIGKILL"), READY_TIMEOUT_MS).unref();
    const helper: Helper = {
      child,
      socket,
      out: new FrameWriter(socket),
      entries: new Map(),
      queued: [],
      stderr: new OutputTail(4096),
      readyTimer,
    };
    const reader = new FrameReader((type, id, payload) => this.onFrame(helper, type, id, payload));
    socket.on("data", (chunk: Buffer) => reader.push(chunk));
    socket.on("error", () => undefined); // its end is handled once, on the child's "close"
    child.stderr!.on("data", (chunk: Buffer) => helper.stderr.push(chunk));
    let ended = false;
    const end = (why: string) => {
      if (ended) return;
      ended = true;
      clearTimeout(readyTimer);
      this.onDeath(helper, why);
    };
    child.once("error", (err) => child.pid === undefined && end(err.message));
    child.once("close", (code, signal) => end(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    // Neither the helper nor its idle socket keeps this process alive; launch refs the socket while tasks run.
    child.unref();
    socket.unref();
    (child.stderr as Socket).unref();
    return helper;
  }

  private onFrame(helper: Helper, type: number, id: number, payload: Buffer): void {
    if (type === Reply.ready) {
      clearTimeout(helper.readyTimer);
      const queued = helper.queued ?? [];
      helper.queued = undefined;
      for (const q of queued) helper.out.send(Request.spawn, q, JSON.stringify(helper.entries.get(q)!.spec));
      return;
    }
    const entry = helper.entries.get(id);
    if (!entry) return;
    const l = entry.listener;
    switch (type) {
      case Reply.spawned:
        return l.started(payload.readUInt32LE(0));
      case Reply.stdout:
        return l.stdout(payload);
      case Reply.stderr:
        return l.stderr(payload);
      case Reply.exit:
        return l.exit();
      case Reply.failed:
        this.forget(helper, id);
        return l.startFailed(payload.toString());
      case Reply.close: {
        this.forget(helper, id);
        const { code, signal } = JSON.parse(payload.toString()) as { code: number | null; signal: NodeJS.Signals | null };
        return l.close(code, signal);
      }
    }
  }

  private forget(helper: Helper, id: number): void {
    helper.entries.delete(id);
    if (helper.entries.size === 0) helper.socket.unref();
  }

  private onDeath(helper: Helper, why: string): void {
    const index = this.helpers.indexOf(helper);
    if (index !== -1) this.helpers.splice(index, 1);
    const stderr = helper.stderr.toString().trim();
    const what = `the spawner process${helper.child.pid ? ` (pid ${helper.child.pid})` : ""} ${why}${stderr ? `: ${stderr}` : ""}`;
    const entries = [...helper.entries.values()];
    helper.entries.clear();
    if (helper.queued) {
      // It never read a request, so none of these tasks started: start them here.
      if (!this.closed) this.warn(`${what}; task processes are spawned directly from now on`);
      this.fallback = true;
      for (const e of entries) e.direct = directLauncher.launch(e.spec, e.listener);
      return;
    }
    if (!this.closed && entries.length) this.warn(`${what}; ${entries.length} running task attempt(s) lost`);
    for (const e of entries) e.listener.lost(`lost the task process: ${what}`);
  }
}
