// Start-up: whole `conveyor run` processes of a one-task file, as a user starts
// them, timed by GNU time (wall clock, CPU, peak RSS), median of 5, beside a bare
// `node -e 0` in the same invocation: on an embedded store that exists, on a new
// one (unpacked from the seed), and on PostgreSQL.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freshStore, median, postgresReachable } from "./support.js";

const GNU_TIME = "/usr/bin/time";
// CONVEYOR_BENCH_BIN: another build of the command (an earlier commit), for before/after figures
const BIN = process.env.CONVEYOR_BENCH_BIN ?? fileURLToPath(new URL("../../bin/conveyor.js", import.meta.url));
const ONE_TASK = JSON.stringify([{ id: "a", dependencies: [], command: "true" }]);

export interface StartupRow {
  what: string;
  targetS?: number;
  targetMiB?: number;
  wallS: number;
  cpuS: number;
  peakMiB: number;
  error?: string;
}

export interface StartupResults {
  repeats: number;
  rows: StartupRow[];
  errors: string[];
}

interface Sample {
  wallS: number;
  cpuS: number;
  peakMiB: number;
}

/** One process under GNU time; its report goes to a file of its own, apart from the command's output. */
function timed(argv: string[], env: Record<string, string>): Promise<Sample> {
  const dir = mkdtempSync(join(tmpdir(), "conveyor-startup-"));
  const report = join(dir, "time");
  return new Promise((resolve, reject) => {
    const p = spawn(GNU_TIME, ["-o", report, "-f", "%e %U %S %M", ...argv], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    p.stderr.on("data", (d: Buffer) => (stderr += d));
    p.on("error", reject);
    p.on("exit", (code) => {
      try {
        if (code !== 0) throw new Error(`${argv.slice(1).join(" ")} exited ${code}: ${stderr.trim().split("\n").slice(-2).join(" ")}`);
        const [wall, user, sys, kib] = readFileSync(report, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
        resolve({ wallS: wall!, cpuS: user! + sys!, peakMiB: kib! / 1024 });
      } catch (err) {
        reject(err);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

async function series(
  what: string,
  repeats: number,
  one: () => Promise<Sample>,
  target: Pick<StartupRow, "targetS" | "targetMiB"> = {},
): Promise<StartupRow> {
  const samples: Sample[] = [];
  try {
    for (let i = 0; i < repeats; i++) samples.push(await one());
  } catch (err) {
    return { what, ...target, wallS: NaN, cpuS: NaN, peakMiB: NaN, error: (err as Error).message };
  }
  return {
    what,
    ...target,
    wallS: median(samples.map((s) => s.wallS)),
    cpuS: median(samples.map((s) => s.cpuS)),
    peakMiB: median(samples.map((s) => s.peakMiB)),
  };
}

const run = (env: Record<string, string>) =>
  timed([process.execPath, BIN, "run", "--inline", ONE_TASK, "--command", "true", "--force"], env);

export async function measureStartup(repeats = 5): Promise<StartupResults> {
  const out: StartupResults = { repeats, rows: [], errors: [] };
  let gnu: boolean;
  try {
    gnu =
      existsSync(GNU_TIME) &&
      execFileSync(GNU_TIME, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).includes("GNU");
  } catch {
    gnu = false;
  }
  if (!gnu) {
    out.errors.push(`GNU time (${GNU_TIME}) is missing: install it (apt-get install time) to measure start-up`);
    return out;
  }
  out.rows.push(await series("bare `node -e 0`", repeats, () => timed([process.execPath, "-e", "0"], {})));

  const existing = mkdtempSync(join(tmpdir(), "conveyor-startup-store-"));
  try {
    await run({ CONVEYOR_DATA_DIR: existing }); // made once, then only opened
    out.rows.push(
      await series("embedded store that exists", repeats, () => run({ CONVEYOR_DATA_DIR: existing }), { targetS: 0.6, targetMiB: 200 }),
    );
  } finally {
    rmSync(existing, { recursive: true, force: true });
  }

  out.rows.push(
    await series(
      "new embedded store",
      repeats,
      async () => {
        const dir = mkdtempSync(join(tmpdir(), "conveyor-startup-new-"));
        try {
          return await run({ CONVEYOR_DATA_DIR: dir });
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
      { targetS: 1.5, targetMiB: 300 },
    ),
  );

  if ((await postgresReachable()) === null) {
    out.errors.push("PostgreSQL row skipped: the server is unreachable (CONVEYOR_BENCH_POSTGRES_URL)");
  } else {
    const store = await freshStore("postgres");
    try {
      const env = { DATABASE_URL: store.config.databaseUrl! };
      await run(env); // migrated once, as a deployed database is
      out.rows.push(await series("PostgreSQL", repeats, () => run(env), { targetS: 0.5 }));
    } finally {
      await store.dispose();
    }
  }
  return out;
}

const fmt = (x: number, digits: number, unit: string) => (Number.isFinite(x) ? `${x.toFixed(digits)} ${unit}` : "–");

export function renderStartupTable(r: StartupResults): string {
  const lines = [
    `Start-up: whole \`conveyor run\` of a one-task file (\`--force\`), median of ${r.repeats}, GNU time; CPU is user + system time, which a loaded machine does not inflate as it does wall time.`,
    "",
    "| process | wall | CPU | peak RSS | target | verdict |",
    "|---|---|---|---|---|---|",
  ];
  for (const row of r.rows) {
    const target = [row.targetS !== undefined ? `≤ ${row.targetS} s` : "", row.targetMiB !== undefined ? `≤ ${row.targetMiB} MiB` : ""]
      .filter(Boolean)
      .join(", ");
    const met =
      row.error !== undefined
        ? `**error**: ${row.error}`
        : target === ""
          ? ""
          : (row.targetS === undefined || row.wallS <= row.targetS) && (row.targetMiB === undefined || row.peakMiB <= row.targetMiB)
            ? "**met**"
            : "**not met**";
    lines.push(
      `| ${row.what} | ${fmt(row.wallS, 2, "s")} | ${fmt(row.cpuS, 2, "s")} | ${fmt(row.peakMiB, 0, "MiB")} | ${target || "–"} | ${met} |`,
    );
  }
  for (const e of r.errors) lines.push("", `- ${e}`);
  return lines.join("\n");
}
