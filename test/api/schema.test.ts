// The committed schema.graphql is the schema the code builds: any change to a
// type must come with the regenerated file (npm run schema).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { printedSchema } from "../../src/api/schema.js";

describe("schema.graphql", () => {
  it("matches the code-first schema exactly", () => {
    expect(readFileSync(new URL("../../schema.graphql", import.meta.url), "utf8")).toBe(printedSchema());
  });
});
