// `task-master validate-dependencies --tag <tag>` for many tags in one process:
// the command's own function, loaded from the CLI's bundle (a CLI start costs
// ~4 s of CPU, so one per fuzz case is out of reach). It is found by the text
// it logs, not by the bundle's hashed names. Prints one JSON line per tag:
// {tag, out, exit} with everything the command logged.
// Usage: node tm-validate.mjs <project> <tag> [<project> <tag>]...
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const dist = resolve("node_modules/task-master-ai/dist");
const MARK = "Checking for invalid dependencies in task files";
const chunk = readdirSync(dist).find((f) => f.endsWith(".js") && readFileSync(join(dist, f), "utf8").includes(MARK));
const mod = await import(pathToFileURL(join(dist, chunk)).href);
const validate = Object.values(mod).find((f) => typeof f === "function" && String(f).includes(MARK));
if (!validate) throw new Error("validate-dependencies not found in the task-master bundle");

let out = "";
for (const name of ["log", "error", "warn", "info"]) console[name] = (...a) => void (out += a.join(" ") + "\n");
class Exit extends Error {}
process.exit = (code) => {
  throw new Exit(String(code));
};
for (let i = 0; i < args.length; i += 2) {
  const [project, tag] = [args[i], args[i + 1]];
  const tasksPath = join(project, ".taskmaster", "tasks", "tasks.json");
  out = "";
  let exit = 0;
  try {
    await validate(tasksPath, { context: { projectRoot: project, tag } });
  } catch (e) {
    exit = e instanceof Exit ? Number(e.message) : 99;
    if (!(e instanceof Exit)) out += String(e);
  }
  process.stdout.write(JSON.stringify({ tag, out, exit }) + "\n");
}
