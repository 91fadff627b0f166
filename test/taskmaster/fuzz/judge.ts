// Task Master's verdict on many task lists at once: each list is a tag of one
// scratch project, judged by one `task-master list --ready --all-tags --json`
// (the CLI itself) and by validate-dependencies for every tag in one process
// (tm-validate.mjs).
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { jsonOf, scratchProject, taskMaster, validationIssues } from "../task-master-cli.js";

export interface Verdict {
  /** `list` refused the tag, with its message; undefined when it read it. */
  refused?: string;
  /** Ids `list --ready` printed for the tag, in its order. */
  ready: string[];
  /** validate-dependencies: its findings, or that it stopped (exit code, no findings). */
  issues: { kind: string; id: string }[];
  validateExit: number;
}

export const tagOf = (i: number) => `c${String(i).padStart(5, "0")}`;

export async function judge(lists: unknown[][]): Promise<Verdict[]> {
  const data = Object.fromEntries(lists.map((tasks, i) => [tagOf(i), { tasks }]));
  const project = scratchProject(JSON.stringify(data, null, 2));
  const [listed, validated] = await Promise.all([
    taskMaster(project, ["list", "--ready", "--all-tags", "--json"]),
    // validate-dependencies reads every tag of its file and stops on one it cannot
    // read (a null task, say): each case gets a file of its own there
    validateAll(lists.map((tasks, i) => [scratchProject(JSON.stringify({ [tagOf(i)]: { tasks } })), tagOf(i)])),
  ]);
  const text = listed.stdout + listed.stderr;
  const refused = new Map([...text.matchAll(/^ {2}(c\d{5}): (.*)$/gm)].map((m) => [m[1]!, m[2]!]));
  const ready = new Map<string, string[]>();
  if (refused.size < lists.length) {
    for (const t of jsonOf<{ tasks: { id: string; tagName: string }[] }>(listed).tasks) {
      ready.set(t.tagName, [...(ready.get(t.tagName) ?? []), String(t.id)]);
    }
  }
  return lists.map((_, i) => {
    const tag = tagOf(i);
    const v = validated.get(tag);
    if (!v) throw new Error(`validate-dependencies said nothing about ${tag}`);
    return {
      ...(refused.has(tag) ? { refused: refused.get(tag)! } : {}),
      ready: ready.get(tag) ?? [],
      issues: validationIssues({ code: 0, stdout: v.out, stderr: "" }),
      validateExit: v.exit,
    };
  });
}

function validateAll(projects: [string, string][]): Promise<Map<string, { out: string; exit: number }>> {
  return new Promise((done, fail) => {
    const proc = spawn(process.execPath, [resolve("test/taskmaster/fuzz/tm-validate.mjs"), ...projects.flat()], {
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (err += d.toString()));
    proc.on("error", fail);
    proc.on("exit", (code) => {
      if (code !== 0) return fail(new Error(`tm-validate exited ${code}: ${err}`));
      const lines = out
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { tag: string; out: string; exit: number });
      done(new Map(lines.map((l) => [l.tag, l])));
    });
  });
}
