// The GraphQL documents the dashboard sends: all against the committed schema.graphql.

/**
 * The one place that names the schema's error interface: every mutation's
 * failures are read through it (code and message), whatever their concrete type.
 */
export const ERROR_FIELDS = "... on ApiError { code message }";

const LIST_FIELDS = `id status reason createdAt startedAt finishedAt updatedAt lastSeq total
  source { format origin selection tag }`;

/** A run in a list: no checkpoints, the progress without its per-task parts, so 100 of them stay under the query cost limit. */
export const RUN_LIST_FIELDS = `${LIST_FIELDS} progress { total settled percent }`;

export const RUN_FIELDS = `${LIST_FIELDS} checkpoints { checkpointId createdAt reason seq settled total status }`;

export const PROGRESS_FIELDS = `total settled percent memoized etaSeconds etaAt throughputPerSec
  counts { pending running retrying succeeded failed skipped cancelled }`;

export const VIEWER = `{ viewer { name canWrite } }`;

export const RUNS = `query ($status: [RunStatus!], $first: Int) { runs(first: $first, status: $status) { edges { node { ${RUN_LIST_FIELDS} } } } }`;

/** Ids only, to open a run by a prefix of its id. */
export const RUN_IDS = `query { runs(first: 500) { edges { node { id } } } }`;

export const RUN = `query ($id: ID!) { run(id: $id) { ${RUN_FIELDS} progress { ${PROGRESS_FIELDS} } } }`;

export const TASK_FIELDS = "taskId title kind status memoized attemptCount dependencies startedAt finishedAt durationMs";

/** With the dependencies outside the selection, which the graph draws as such. */
export const TASK_PAGE = `query ($id: ID!, $after: String, $first: Int) { run(id: $id) { tasks(first: $first, after: $after) {
  edges { node { ${TASK_FIELDS} outsideDependencies } } pageInfo { hasNextPage } } } }`;

export const TASK_DETAIL = `query ($id: ID!, $taskId: String!) { run(id: $id) { task(taskId: $taskId) {
  ${TASK_FIELDS} definition outsideDependencies memoKey error result blockedBy progress
  attempts { number status startedAt finishedAt durationMs exitCode error } } } }`;

export const RUNS_CHANGED = `subscription ($since: DateTime) { runsChanged(since: $since) { runId type event { seq at }
  run { ${RUN_LIST_FIELDS} } } }`;

export const RUN_PROGRESS = `subscription ($runId: ID!) { runProgress(runId: $runId) { ${PROGRESS_FIELDS} } }`;

/** Without `data`: the page needs only what happened to which task when, whatever shape the payloads take. */
export const RUN_EVENTS = `subscription ($runId: ID!, $after: Int) { runEventBatches(runId: $runId, after: $after) { seq type taskId at } }`;

export const TASK_LOGS = `subscription ($runId: ID!, $taskId: String!, $attempt: Int, $after: Int) {
  taskLogs(runId: $runId, taskId: $taskId, attempt: $attempt, after: $after) { seq stream text dropped } }`;

const result = (extra = "") => `__typename ${ERROR_FIELDS} ... on RunPayload { run { ${RUN_FIELDS} } } ${extra}`;

export const PAUSE = `mutation ($runId: ID!) { r: pauseRun(runId: $runId) { ${result()} } }`;
export const RESUME = `mutation ($runId: ID!, $checkpointId: ID) { r: resumeRun(runId: $runId, checkpointId: $checkpointId) { ${result()} } }`;
export const CANCEL = `mutation ($runId: ID!) { r: cancelRun(runId: $runId, reason: "cancelled from the dashboard") { ${result()} } }`;
export const CHECKPOINT = `mutation ($runId: ID!) { r: checkpointRun(runId: $runId) { __typename ${ERROR_FIELDS}
  ... on CheckpointPayload { run { ${RUN_FIELDS} } checkpoint { checkpointId } } } }`;
export const RETRY = `mutation ($runId: ID!, $taskId: String!) { r: retryTask(runId: $runId, taskId: $taskId) { ${result()} } }`;
export const MARK = `mutation ($runId: ID!, $taskId: String!, $as: MarkTaskAs!) { r: markTask(runId: $runId, taskId: $taskId, as: $as) { ${result()} } }`;
export const START = `mutation ($input: StartRunInput!) { r: startRun(input: $input) { __typename ${ERROR_FIELDS}
  ... on StartRunPayload { run { id } warnings } } }`;
