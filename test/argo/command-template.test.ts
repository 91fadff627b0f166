// The command a task runs on Argo is the one it runs locally: run-task's own
// script (from the shipped WorkflowTemplate, with Argo's parameter substitution
// done as the controller would) is run by sh with the generated parameters, and
// prints exactly what the local executor's process prints for the same task.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildPlan } from "../../src/core/plan.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { LocalProcessExecutor } from "../../src/executors/local-process.js";
import { buildWorkflow, workflowUnits } from "../../src/executors/argo/workflow-builder.js";
import { settings } from "./fixtures.js";

const run = promisify(execFile);
type Param = { name: string; value: string };
type Task = { name: string; arguments: { parameters: Param[] } };

const runTaskScript = (): string => {
  const template = parse(readFileSync("deploy/argo/multi-task-processor.yaml", "utf8"));
  return template.spec.templates.find((t: { name: string }) => t.name === "run-task").script.source;
};

/** stdout of run-task for one DAG task: workflow parameters substituted into the source, inputs as its env. */
async function onArgo(workflowParams: Param[], task: Task): Promise<string> {
  const wp = Object.fromEntries(workflowParams.map((p) => [p.name, p.value]));
  const input = Object.fromEntries(task.arguments.parameters.map((p) => [p.name, p.value]));
  const source = runTaskScript().replaceAll("{{workflow.parameters.command}}", wp.command!);
  const env = {
    PATH: process.env.PATH!,
    CONVEYOR_RUN_ID: wp["run-id"]!,
    CONVEYOR_TASK_ID: input["task-id"]!,
    CONVEYOR_TASK_JSON: input["task-json"]!,
    CONVEYOR_ATTEMPT_BASE: input["attempt-base"]!,
    CONVEYOR_RETRY: "0",
    CONVEYOR_TASK_COMMAND: input.command ?? "",
  };
  return (await run("sh", ["-c", source], { env })).stdout;
}

async function locally(template: string, taskCommand: string | undefined, id: string, title: string): Promise<string> {
  const ex = new LocalProcessExecutor({ command: template });
  const o = await ex.execute({
    runId: "r",
    taskId: id,
    title,
    definition: {},
    attempt: 1,
    signal: new AbortController().signal,
    ...(taskCommand ? { command: taskCommand } : {}),
  });
  expect(o.ok, o.error).toBe(true);
  return o.stdoutTail!;
}

describe("command templates on Argo", () => {
  const tricky = [
    { id: "plain", title: "Add the parser" },
    { id: "quoted", title: `It's "done" $HOME \`date\` {id} ; exit 3` },
    { id: "own", title: "Own command {title}", command: "printf '<%s>' {title} {id}" },
  ];
  const template = "printf '[%s] [%s]\\n' {id} {title}";

  it("substitutes {id} and {title} exactly as the local executor does, through the same expansion", async () => {
    const units = workflowUnits(buildPlan(inlineSource(tricky)).units, () => 0);
    const wf = buildWorkflow(units, settings({ command: template }));
    const tasks = (wf.spec.templates as { dag: { tasks: Task[] } }[])[0]!.dag.tasks;
    const params = (wf.spec.arguments as { parameters: Param[] }).parameters;
    for (const [i, t] of tricky.entries()) {
      const argo = await onArgo(params, tasks[i]!);
      expect(argo).toBe(await locally(template, t.command, t.id, t.title));
    }
    expect(await onArgo(params, tasks[1]!)).toBe(`[quoted] [It's "done" $HOME \`date\` {id} ; exit 3]\n`);
  });

  it("a run command without placeholders is run-task's own command, unexpanded and unrepeated per task", async () => {
    const units = workflowUnits(buildPlan(inlineSource([{ id: "a", title: "A" }])).units, () => 0);
    const wf = buildWorkflow(units, settings({ command: 'echo "task $CONVEYOR_TASK_ID"' }));
    const [task] = (wf.spec.templates as { dag: { tasks: Task[] } }[])[0]!.dag.tasks;
    expect(task!.arguments.parameters.some((p) => p.name === "command")).toBe(false);
    expect(await onArgo((wf.spec.arguments as { parameters: Param[] }).parameters, task!)).toBe("task a\n");
  });
});
