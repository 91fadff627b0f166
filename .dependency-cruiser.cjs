// The architecture as rules: which part of src/ may import which. `npm run lint`
// runs it; a new arrow is a design decision, so it is made here, not in passing.
// Type-only imports count too: a type cycle still ties two modules together.
const part = (name) => `^src/${name}(/|\\.ts$)`;

/** For each part, the parts it may import (itself always allowed). */
const allowed = {
  core: [],
  // the settings schema and the one read of the environment; typed settings are handed down from it
  config: ["core"],
  // how a module starts a process or thread of its own; whether a lease owner's process is gone (the engine's liveness port)
  runtime: ["core", "engine"],
  engine: ["core"],
  pubsub: ["core", "engine"],
  observability: ["core", "engine", "runtime"],
  // webhook delivery, engine-agnostic: it reads the outbox the commit statement writes, never the engine
  notifications: ["core"],
  // storage implements the notifications' store port (notifications/ports.ts) as it does the engine's
  storage: ["core", "engine", "runtime", "notifications"],
  // a task process inherits this one's environment (config's processEnvironment)
  executors: ["core", "engine", "runtime", "config"],
  "taskmaster-sync": ["core", "engine"],
  // tasks files named by a start request are read with the Task Master file code;
  // webhooks are managed through GraphQL (the Webhooks service and its typed errors)
  api: ["core", "engine", "observability", "pubsub", "taskmaster-sync", "config", "notifications"],
};

module.exports = {
  forbidden: [
    ...Object.entries(allowed).map(([name, may]) => ({
      name: `${name}-imports-only-${may.join("-") || "itself"}`,
      severity: "error",
      comment: `src/${name} may import only ${may.length ? may.map((m) => `src/${m}`).join(", ") : "itself"} (DEVELOPERS.md, "Layout")`,
      from: { path: part(name) },
      to: { path: "^src/", pathNot: [part(name), ...may.map(part), "^src/storage/generated/"] },
    })),
    {
      name: "nothing-imports-the-cli-or-the-root",
      severity: "error",
      comment:
        "src/cli and the composition root (root.ts over app.ts) sit on top: only the CLI imports the root, and src/index.ts re-exports it",
      from: { path: "^src/", pathNot: ["^src/cli/", "^src/index\\.ts$", "^src/root\\.ts$"] },
      to: { path: ["^src/cli/", "^src/app\\.ts$", "^src/root\\.ts$", "^src/index\\.ts$"] },
    },
    {
      name: "the-root-imports-no-cli",
      severity: "error",
      comment: "the composition root serves the CLI, embedders and the benchmark alike: it knows nothing of commands",
      from: { path: ["^src/app\\.ts$", "^src/root\\.ts$", "^src/index\\.ts$"] },
      to: { path: "^src/cli/" },
    },
    {
      name: "opentelemetry-only-in-otel-tracing",
      severity: "error",
      comment:
        "tracing is off by default and must cost nothing then: the OpenTelemetry SDK and Envelop's plugin are imported by " +
        "src/observability/otel-tracing.ts alone (and its parts, lite-span.ts and export-thread/: the next rules), which is loaded with import() when tracing is on (docs/tracing.md); " +
        "the engine sees only its tracer port (src/engine/tracing.ts)",
      from: { path: "^src/", pathNot: "^src/observability/((otel-tracing|lite-span)\\.ts$|export-thread/)" },
      to: { path: "node_modules/(@opentelemetry/|@envelop/opentelemetry/)" },
    },
    {
      name: "lite-span-only-in-otel-tracing",
      severity: "error",
      comment: "src/observability/lite-span.ts is part of otel-tracing.ts (it imports the SDK): only that file may load it",
      from: { path: "^src/", pathNot: "^src/observability/otel-tracing\\.ts$" },
      to: { path: "^src/observability/lite-span\\.ts$", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "export-thread-only-from-otel-tracing",
      severity: "error",
      comment:
        "src/observability/export-thread/ is part of otel-tracing.ts (it loads the SDK's exporters): only that file may load it, with import()",
      from: { path: "^src/", pathNot: "^src/observability/(otel-tracing\\.ts$|export-thread/)" },
      to: { path: "^src/observability/export-thread/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "otel-tracing-loaded-lazily",
      severity: "error",
      comment:
        "a static import of src/observability/otel-tracing.ts would load the SDK with tracing off: import() it, or import its types only",
      from: { path: "^src/" },
      to: { path: "^src/observability/otel-tracing\\.ts$", dynamic: false, dependencyTypesNot: ["type-only"] },
    },
    {
      name: "api-live-knows-no-graphql",
      severity: "error",
      comment:
        "src/api/live (event feeds, fresh reads, the progress cache) is transport-free: no GraphQL, Yoga, graphql-ws, ws or fetch-layer package, " +
        'and nothing of src/api outside it (DEVELOPERS.md, "The API")',
      from: { path: "^src/api/live/" },
      to: {
        path: [
          "^node_modules/(graphql|graphql-yoga|graphql-ws|graphql-sse|ws|@graphql-yoga|@envelop|@whatwg-node|@pothos)(/|$)",
          "^src/api/(?!live/)",
        ],
      },
    },
    {
      name: "no-circular",
      severity: "error",
      comment: "modules that import each other, directly or around a loop, cannot be read or changed one at a time",
      from: { path: "^src/" },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^src/storage/generated/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
