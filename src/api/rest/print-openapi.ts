// npm run openapi: writes openapi.json (what /api/openapi.json serves, and what
// `npm run lint` checks with Redocly) from the code.
import { writeFileSync } from "node:fs";
import { printedOpenApi } from "./openapi.js";

writeFileSync(new URL("../../../openapi.json", import.meta.url), printedOpenApi());
