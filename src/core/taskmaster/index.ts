// Task Master sources: tasks.json files and inline definitions.
export { parseTaskFile, type ParseOptions } from "./parse.js";
export { inlineSource } from "./inline.js";
export { canonicalId } from "./ids.js";
