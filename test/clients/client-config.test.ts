// The committed client configuration (clients/) is what scripts/client-config.ts
// makes of the committed schema.graphql: a schema change without `npm run schema`
// fails here, as does a type a cache cannot place.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { clientConfigFiles } from "../../scripts/client-config.js";
import { printedSchema } from "../../src/api/schema.js";

const sdl = readFileSync(new URL("../../schema.graphql", import.meta.url), "utf8");
const files = clientConfigFiles(sdl);

describe("generated client configuration", () => {
  it("schema.graphql is the schema's print, and clients/ is generated from it", () => {
    expect(sdl).toBe(printedSchema());
    for (const [path, text] of Object.entries(files)) expect(readFileSync(new URL(`../../${path}`, import.meta.url), "utf8"), path).toBe(text);
  });

  it("lists every typed error under ApiError, and keys events by run and sequence", async () => {
    const possible = JSON.parse(files["clients/possible-types.json"]!) as Record<string, string[]>;
    expect(possible.ApiError).toEqual(expect.arrayContaining(["InvalidInput", "RunNotFound", "TaskNotFound", "CheckpointNotFound", "InvalidTransition"]));
    expect(possible.Node).toEqual(["Checkpoint", "Progress", "Run", "TaskRun"]);
    const { keys } = await import("../../clients/graphcache.js");
    expect(keys.RunEvent!({ runId: "r", seq: 3 })).toBe("r:3");
    expect(keys.StatusCounts!({})).toBeNull();
    expect(keys.Run).toBeUndefined(); // keyed by its id
  });
});
