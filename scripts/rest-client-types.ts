// npm run openapi (after openapi.json): the REST API's TypeScript types for
// openapi-fetch, generated from openapi.json by openapi-typescript into
// clients/rest-api.ts, as a user's generated client would have them. A test
// fails while the file is stale (test/clients/rest-client.test.ts).
import { readFileSync, writeFileSync } from "node:fs";
import openapiTS, { astToString } from "openapi-typescript";

export async function restClientTypes(): Promise<string> {
  const doc = JSON.parse(readFileSync(new URL("../openapi.json", import.meta.url), "utf8")) as Parameters<typeof openapiTS>[0];
  const header = "// Generated from openapi.json by scripts/rest-client-types.ts (npm run openapi). Do not edit.\n";
  // a default is what the server fills in: the field stays optional for whoever sends it
  return header + astToString(await openapiTS(doc, { defaultNonNullable: false }));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  writeFileSync(new URL("../clients/rest-api.ts", import.meta.url), await restClientTypes());
  process.stdout.write("wrote clients/rest-api.ts\n");
}
