// The schema: every type file registers itself on the builder when imported.
import type { GraphQLSchema } from "graphql";
import { lexicographicSortSchema, printSchema } from "./graphql.js";
import { builder } from "./builder.js";
import "./types/scalars.js";
import "./types/enums.js";
import "./types/errors.js";
import "./types/progress.js";
import "./types/attempt.js";
import "./types/run-event.js";
import "./types/checkpoint.js";
import "./types/task-run.js";
import "./types/run.js";
import "./types/inputs.js";
import "./types/payloads.js";
import "./types/query.js";
import "./types/mutation.js";
import "./types/subscription.js";
import "./types/task-logs.js";
import "./types/webhook.js";
import "./types/webhook-operations.js";
import "./types/viewer.js";
import "./types/retention.js";

export const schema: GraphQLSchema = builder.toSchema();

/** The committed schema.graphql: sorted, so it only changes when the schema does. */
export const printedSchema = (): string => `${printSchema(lexicographicSortSchema(schema))}\n`;
