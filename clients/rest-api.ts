// Generated from openapi.json by scripts/rest-client-types.ts (npm run openapi). Do not edit.
export interface paths {
    "/api/workflows/multi-task": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a run of many tasks
         * @description Options may sit at the top level or under `options`, in snake_case (or camelCase), but each only once.
         */
        post: operations["startWorkflow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete a finished run
         * @description Removes the run with its tasks, attempts, event log and checkpoints (cached results stay). A run that is not finished (pending, running, paused, interrupted) is refused with 409.
         */
        delete: operations["deleteWorkflow"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/progress": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Progress and ETA */
        get: operations["getWorkflowProgress"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/state": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The run and its tasks */
        get: operations["getWorkflowState"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/checkpoint": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Take a checkpoint now */
        put: operations["checkpointWorkflow"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/tasks/{taskId}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A task attempt's output as plain text
         * @description An ended attempt's stored tail (stdout's lines, then stderr's), or a running attempt's lines so far. With follow, then its live lines until the attempt ends. Lines dropped for a client reading too slowly show as one line `[conveyor: N lines dropped]`.
         */
        get: operations["getTaskLogs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resume, optionally from a checkpoint
         * @description Goes on with a paused, interrupted, failed or cancelled run; with checkpoint_id, from that checkpoint.
         */
        post: operations["resumeWorkflow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pause
         * @description Running tasks finish; nothing new starts.
         */
        post: operations["pauseWorkflow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel
         * @description Running tasks are stopped (after the run's cancel_grace_ms); nothing new starts.
         */
        post: operations["cancelWorkflow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This document */
        get: operations["getOpenApiDocument"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Alive */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Ready to serve
         * @description Ready when the database answers; degraded (still 200) when an optional dependency such as Redis is down.
         */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * @description `interrupted`: left running by a driver that is gone; resume it
         * @enum {string}
         */
        RunStatus: "pending" | "running" | "paused" | "cancelling" | "succeeded" | "completed_with_failures" | "failed" | "cancelled" | "timed_out" | "interrupted";
        /** @enum {string} */
        TaskStatus: "pending" | "running" | "retrying" | "succeeded" | "failed" | "skipped" | "cancelled";
        /** @description How many tasks are in each status */
        StatusCounts: {
            pending: number;
            running: number;
            retrying: number;
            succeeded: number;
            failed: number;
            skipped: number;
            cancelled: number;
        };
        WorkflowStatus: {
            workflow_id: string;
            status: components["schemas"]["RunStatus"];
        };
        Started: {
            workflow_id: string;
            status: components["schemas"]["RunStatus"];
            total: number;
            /** @description What was read from the tasks but will not run as written */
            warnings: string[];
        };
        Deleted: {
            workflow_id: string;
            /** @description Rows removed, by kind */
            deleted: {
                tasks: number;
                attempts: number;
                event_pages: number;
                checkpoints: number;
            };
        };
        Checkpoint: {
            workflow_id: string;
            status: components["schemas"]["RunStatus"];
            checkpoint_id: string;
        };
        RunningTask: {
            task_id: string;
            elapsed_ms: number;
        };
        Progress: {
            workflow_id: string;
            status: components["schemas"]["RunStatus"];
            total: number;
            /** @description Tasks that will not run again (succeeded, failed, skipped or cancelled) */
            settled: number;
            percent: number;
            counts: components["schemas"]["StatusCounts"];
            /** @description Tasks settled from cached results */
            memoized: number;
            running_tasks: components["schemas"]["RunningTask"][];
            /** @description Tasks that ran and finished per second, over the last minute */
            throughput_per_sec: number;
            /** @description Seconds until every task settles: 0 once the run ended, null while no duration is known */
            eta_seconds: number | null;
            /**
             * Format: date-time
             * @description When the ETA expects the run to end
             */
            eta_at: string | null;
        };
        TaskState: {
            id: string;
            title: string;
            status: components["schemas"]["TaskStatus"];
            attempts: number;
            memoized: boolean;
            error: string | null;
            /** @description What the task returned (any JSON), null when nothing */
            result: unknown;
            /**
             * Format: date-time
             * @description When its latest attempt started
             */
            started_at: string | null;
            /**
             * Format: date-time
             * @description When it settled
             */
            finished_at: string | null;
        };
        RunSource: {
            /** @description The tasks file read, or `inline` */
            origin: string;
            format: string;
            tag: string | null;
            /** @description The selection as given */
            selection: string | null;
            warnings: string[];
        };
        /** @description The options the run uses, defaults filled in */
        RunOptions: {
            /** @default 1 */
            max_parallel: number;
            /**
             * @default {
             *       "retry_limit": 2,
             *       "base_delay_ms": 1000,
             *       "factor": 2,
             *       "max_delay_ms": 60000
             *     }
             */
            retry: {
                /** @default 2 */
                retry_limit: number;
                /** @default 1000 */
                base_delay_ms: number;
                /** @default 2 */
                factor: number;
                /** @default 60000 */
                max_delay_ms: number;
                budget_ms?: number;
            };
            /** @default false */
            continue_on_error: boolean;
            task_timeout_ms?: number;
            run_timeout_ms?: number;
            /** @default 5000 */
            cancel_grace_ms: number;
            /** @default 10 */
            checkpoint_interval: number;
            /** @default 5 */
            keep_checkpoints: number;
            /** @default local */
            executor: string;
            command?: string;
            cwd?: string;
            /** @default false */
            force: boolean;
            memo_max_age_ms?: number;
            /** @default false */
            expand_subtasks: boolean;
            /** @default false */
            with_dependencies: boolean;
            /** @default false */
            include_done: boolean;
            /** @default false */
            sync_status: boolean;
            retention?: string;
        };
        /** @description Run options; each may also be given at the top level of the request */
        RunOptionsInput: {
            /** @default 1 */
            max_parallel?: number;
            /**
             * @default {
             *       "retry_limit": 2,
             *       "base_delay_ms": 1000,
             *       "factor": 2,
             *       "max_delay_ms": 60000
             *     }
             */
            retry?: {
                /** @default 2 */
                retry_limit?: number;
                /** @default 1000 */
                base_delay_ms?: number;
                /** @default 2 */
                factor?: number;
                /** @default 60000 */
                max_delay_ms?: number;
                budget_ms?: number;
            };
            /** @default false */
            continue_on_error?: boolean;
            task_timeout_ms?: number;
            run_timeout_ms?: number;
            /** @default 5000 */
            cancel_grace_ms?: number;
            /** @default 10 */
            checkpoint_interval?: number;
            /** @default 5 */
            keep_checkpoints?: number;
            /** @default local */
            executor?: string;
            command?: string;
            cwd?: string;
            /** @default false */
            force?: boolean;
            memo_max_age_ms?: number;
            /** @default false */
            expand_subtasks?: boolean;
            /** @default false */
            with_dependencies?: boolean;
            /** @default false */
            include_done?: boolean;
            /** @default false */
            sync_status?: boolean;
            retention?: string;
        };
        State: {
            workflow_id: string;
            status: components["schemas"]["RunStatus"];
            /** @description Why it ended as it did (a cancel's reason, a failure) */
            reason: string | null;
            total: number;
            counts: components["schemas"]["StatusCounts"];
            memoized: number;
            options: components["schemas"]["RunOptions"];
            source: components["schemas"]["RunSource"];
            /** @description The process driving the run, if any */
            driver: string | null;
            /**
             * Format: date-time
             * @description When the run was recorded
             */
            created_at: string | null;
            /**
             * Format: date-time
             * @description When it (last) started
             */
            started_at: string | null;
            /**
             * Format: date-time
             * @description When it ended
             */
            finished_at: string | null;
            /**
             * Format: date-time
             * @description Its last recorded change
             */
            updated_at: string | null;
            /**
             * Format: date-time
             * @description When it was archived (its tasks read from the archive; it cannot be resumed), or null
             */
            archived_at: string | null;
            tasks: components["schemas"]["TaskState"][];
        };
        /** @description What to run (tasks_file or tasks, task_list or task_range) and the run options */
        StartRequest: {
            /**
             * @description The ids to run
             * @example [
             *       "1",
             *       "2",
             *       "7.3"
             *     ]
             */
            task_list?: (string | number)[];
            /**
             * @description The ids to run as ranges
             * @example 1-100
             * @example 1-3,7,9.2
             */
            task_range?: string;
            /** @description A tasks.json (or project folder) on the server; default: the server's project */
            tasks_file?: string;
            /** @description The Task Master tag to read */
            tag?: string;
            /** @description Inline task definitions or ids, instead of a tasks file */
            tasks?: unknown[];
            options?: components["schemas"]["RunOptionsInput"];
            /** @default 1 */
            max_parallel?: number;
            /**
             * @default {
             *       "retry_limit": 2,
             *       "base_delay_ms": 1000,
             *       "factor": 2,
             *       "max_delay_ms": 60000
             *     }
             */
            retry?: {
                /** @default 2 */
                retry_limit?: number;
                /** @default 1000 */
                base_delay_ms?: number;
                /** @default 2 */
                factor?: number;
                /** @default 60000 */
                max_delay_ms?: number;
                budget_ms?: number;
            };
            /** @default false */
            continue_on_error?: boolean;
            task_timeout_ms?: number;
            run_timeout_ms?: number;
            /** @default 5000 */
            cancel_grace_ms?: number;
            /** @default 10 */
            checkpoint_interval?: number;
            /** @default 5 */
            keep_checkpoints?: number;
            /** @default local */
            executor?: string;
            command?: string;
            cwd?: string;
            /** @default false */
            force?: boolean;
            memo_max_age_ms?: number;
            /** @default false */
            expand_subtasks?: boolean;
            /** @default false */
            with_dependencies?: boolean;
            /** @default false */
            include_done?: boolean;
            /** @default false */
            sync_status?: boolean;
            retention?: string;
        };
        ResumeRequest: {
            /** @description Go back to this checkpoint; default: go on from where the run stopped */
            checkpoint_id?: string;
        };
        CancelRequest: {
            reason?: string;
        };
        Error: {
            error: components["schemas"]["ErrorDetail"];
        };
        /** @description The code and message; the other fields are there when they explain the error */
        ErrorDetail: {
            /** @description Stable, for clients to branch on */
            code: string;
            /** @description Cut after 300 characters, saying how many more there were */
            message: string;
            /** @description Also in the x-request-id header and the server's log */
            request_id: string;
            /** @description The input at fault, as the request spelled it (`max_paralel`, `options.retry.retry_limit`, `tasks[0].title`) */
            field?: string;
            /** @description The known name nearest to an unknown `field` */
            suggestion?: string;
            /** @description The methods the path takes (405) */
            allowed?: string[];
            part?: string;
            ids?: string[];
            cycle?: string[];
            missing?: {
                task: string;
                dependency: string;
            }[];
            tag?: string;
            available?: string[];
            file?: string;
            path?: string;
            line?: number;
            column?: number;
            offset?: number;
            subject?: string;
            from?: string;
            action?: string;
            run_id?: string;
            task_id?: string;
            checkpoint_id?: string;
            budget_ms?: number;
            reason?: string;
            setting?: string;
            degraded?: {
                [key: string]: string;
            };
        };
        Health: {
            /** @enum {string} */
            status: "ok";
        };
        Readiness: {
            /** @enum {string} */
            status: "ready" | "degraded";
            /** @description What is down, and why */
            degraded?: {
                [key: string]: string;
            };
        };
    };
    responses: {
        /** @description No valid bearer token (UNAUTHENTICATED) */
        Unauthenticated: {
            headers: {
                /** @description The request's id: the one sent, if sane, or a new one */
                "x-request-id"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"] & {
                    error?: {
                        /** @enum {string} */
                        code?: "UNAUTHENTICATED";
                    };
                };
            };
        };
        /** @description The token lacks the scope, or a cross-site request came without x-conveyor-csrf (FORBIDDEN, CSRF) */
        Forbidden: {
            headers: {
                /** @description The request's id: the one sent, if sane, or a new one */
                "x-request-id"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"] & {
                    error?: {
                        /** @enum {string} */
                        code?: "FORBIDDEN" | "CSRF";
                    };
                };
            };
        };
        /** @description The path does not take this method (METHOD_NOT_ALLOWED) */
        MethodNotAllowed: {
            headers: {
                /** @description The request's id: the one sent, if sane, or a new one */
                "x-request-id"?: string;
                /** @description The methods it takes */
                allow?: string;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"] & {
                    error?: {
                        /** @enum {string} */
                        code?: "METHOD_NOT_ALLOWED";
                    };
                };
            };
        };
        /** @description The body is over the limit (CONVEYOR_API_BODY_LIMIT) (PAYLOAD_TOO_LARGE) */
        PayloadTooLarge: {
            headers: {
                /** @description The request's id: the one sent, if sane, or a new one */
                "x-request-id"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"] & {
                    error?: {
                        /** @enum {string} */
                        code?: "PAYLOAD_TOO_LARGE";
                    };
                };
            };
        };
        /** @description Shutting down, or the database is out of reach: try again (SHUTTING_DOWN, STORE_OUTAGE, STORE_UNAVAILABLE) */
        Unavailable: {
            headers: {
                /** @description The request's id: the one sent, if sane, or a new one */
                "x-request-id"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"] & {
                    error?: {
                        /** @enum {string} */
                        code?: "SHUTTING_DOWN" | "STORE_OUTAGE" | "STORE_UNAVAILABLE";
                    };
                };
            };
        };
        /** @description A bug: the details are in the server's log under the request id (INTERNAL_SERVER_ERROR) */
        Unexpected: {
            headers: {
                /** @description The request's id: the one sent, if sane, or a new one */
                "x-request-id"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"] & {
                    error?: {
                        /** @enum {string} */
                        code?: "INTERNAL_SERVER_ERROR";
                    };
                };
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    startWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StartRequest"];
            };
        };
        responses: {
            /** @description Started */
            201: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    /** @description The run's state */
                    location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Started"];
                };
            };
            /** @description Bad input, naming what is wrong (BAD_REQUEST, MALFORMED_JSON, JSON_TOO_DEEP, NUL_CHARACTER, INVALID_OPTION, INVALID_SELECTION, EMPTY_SELECTION, SUBTASK_SELECTED, UNKNOWN_TASKS, DUPLICATE_TASK_ID, MISSING_DEPENDENCY, UNSATISFIED_DEPENDENCY, DEPENDENCY_CYCLE, INVALID_TASK_FILE, UNKNOWN_TAG, TASKS_PATH) */
            400: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "BAD_REQUEST" | "MALFORMED_JSON" | "JSON_TOO_DEEP" | "NUL_CHARACTER" | "INVALID_OPTION" | "INVALID_SELECTION" | "EMPTY_SELECTION" | "SUBTASK_SELECTED" | "UNKNOWN_TASKS" | "DUPLICATE_TASK_ID" | "MISSING_DEPENDENCY" | "UNSATISFIED_DEPENDENCY" | "DEPENDENCY_CYCLE" | "INVALID_TASK_FILE" | "UNKNOWN_TAG" | "TASKS_PATH";
                        };
                    };
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            405: components["responses"]["MethodNotAllowed"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Unexpected"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The workflow (run) id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted, with the rows removed */
            200: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Deleted"];
                };
            };
            /** @description A malformed path (MALFORMED_PATH, NUL_CHARACTER) */
            400: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "MALFORMED_PATH" | "NUL_CHARACTER";
                        };
                    };
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            /** @description No such run (RUN_NOT_FOUND) */
            404: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "RUN_NOT_FOUND";
                        };
                    };
                };
            };
            405: components["responses"]["MethodNotAllowed"];
            /** @description The run's status does not allow it, or another process drives the run (INVALID_TRANSITION, STORE_LOCKED) */
            409: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "INVALID_TRANSITION" | "STORE_LOCKED";
                        };
                    };
                };
            };
            500: components["responses"]["Unexpected"];
            503: components["responses"]["Unavailable"];
        };
    };
    getWorkflowProgress: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The workflow (run) id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Progress */
            200: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Progress"];
                };
            };
            /** @description A malformed path (MALFORMED_PATH, NUL_CHARACTER) */
            400: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "MALFORMED_PATH" | "NUL_CHARACTER";
                        };
                    };
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            /** @description No such run (RUN_NOT_FOUND) */
            404: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "RUN_NOT_FOUND";
                        };
                    };
                };
            };
            405: components["responses"]["MethodNotAllowed"];
            500: components["responses"]["Unexpected"];
        };
    };
    getWorkflowState: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The workflow (run) id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description State */
            200: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["State"];
                };
            };
            /** @description A malformed path (MALFORMED_PATH, NUL_CHARACTER) */
            400: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "MALFORMED_PATH" | "NUL_CHARACTER";
                        };
                    };
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            /** @description No such run (RUN_NOT_FOUND) */
            404: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "RUN_NOT_FOUND";
                        };
                    };
                };
            };
            405: components["responses"]["MethodNotAllowed"];
            500: components["responses"]["Unexpected"];
        };
    };
    checkpointWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The workflow (run) id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Checkpoint taken */
            201: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Checkpoint"];
                };
            };
            /** @description A malformed path (MALFORMED_PATH, NUL_CHARACTER) */
            400: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "MALFORMED_PATH" | "NUL_CHARACTER";
                        };
                    };
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            /** @description No such run (RUN_NOT_FOUND) */
            404: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "RUN_NOT_FOUND";
                        };
                    };
                };
            };
            405: components["responses"]["MethodNotAllowed"];
            /** @description The run's status does not allow it, or another process drives the run (INVALID_TRANSITION, STORE_LOCKED) */
            409: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "INVALID_TRANSITION" | "STORE_LOCKED";
                        };
                    };
                };
            };
            500: components["responses"]["Unexpected"];
            503: components["responses"]["Unavailable"];
        };
    };
    getTaskLogs: {
        parameters: {
            query?: {
                /** @description Default: the latest attempt */
                attempt?: number;
                /** @description Stream until the attempt ends */
                follow?: "1" | "0" | "true" | "false";
            };
            header?: never;
            path: {
                /** @description The workflow (run) id */
                id: string;
                /** @description The task's id in the run */
                taskId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The lines */
            200: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    /** @description The attempt shown */
                    "x-conveyor-attempt"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description A malformed path, attempt or follow (MALFORMED_PATH, NUL_CHARACTER, INVALID_OPTION) */
            400: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "MALFORMED_PATH" | "NUL_CHARACTER" | "INVALID_OPTION";
                        };
                    };
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            /** @description No such run (RUN_NOT_FOUND, TASK_NOT_FOUND) */
            404: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "RUN_NOT_FOUND" | "TASK_NOT_FOUND";
                        };
                    };
                };
            };
            405: components["responses"]["MethodNotAllowed"];
            500: components["responses"]["Unexpected"];
        };
    };
    resumeWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The workflow (run) id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ResumeRequest"];
            };
        };
        responses: {
            /** @description Accepted: the command is recorded, and the run's status as it is now */
            202: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowStatus"];
                };
            };
            /** @description A malformed path or body (MALFORMED_PATH, NUL_CHARACTER, BAD_REQUEST, MALFORMED_JSON, JSON_TOO_DEEP, INVALID_OPTION) */
            400: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "MALFORMED_PATH" | "NUL_CHARACTER" | "BAD_REQUEST" | "MALFORMED_JSON" | "JSON_TOO_DEEP" | "INVALID_OPTION";
                        };
                    };
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            /** @description No such run (RUN_NOT_FOUND, CHECKPOINT_NOT_FOUND) */
            404: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "RUN_NOT_FOUND" | "CHECKPOINT_NOT_FOUND";
                        };
                    };
                };
            };
            405: components["responses"]["MethodNotAllowed"];
            /** @description The run's status does not allow it, or another process drives the run (INVALID_TRANSITION, STORE_LOCKED) */
            409: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "INVALID_TRANSITION" | "STORE_LOCKED";
                        };
                    };
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Unexpected"];
            503: components["responses"]["Unavailable"];
        };
    };
    pauseWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The workflow (run) id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted: the command is recorded, and the run's status as it is now */
            202: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowStatus"];
                };
            };
            /** @description A malformed path or body (MALFORMED_PATH, NUL_CHARACTER, BAD_REQUEST, MALFORMED_JSON, JSON_TOO_DEEP, INVALID_OPTION) */
            400: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "MALFORMED_PATH" | "NUL_CHARACTER" | "BAD_REQUEST" | "MALFORMED_JSON" | "JSON_TOO_DEEP" | "INVALID_OPTION";
                        };
                    };
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            /** @description No such run (RUN_NOT_FOUND) */
            404: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "RUN_NOT_FOUND";
                        };
                    };
                };
            };
            405: components["responses"]["MethodNotAllowed"];
            /** @description The run's status does not allow it, or another process drives the run (INVALID_TRANSITION, STORE_LOCKED) */
            409: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "INVALID_TRANSITION" | "STORE_LOCKED";
                        };
                    };
                };
            };
            500: components["responses"]["Unexpected"];
            503: components["responses"]["Unavailable"];
        };
    };
    cancelWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The workflow (run) id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["CancelRequest"];
            };
        };
        responses: {
            /** @description Accepted: the command is recorded, and the run's status as it is now */
            202: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowStatus"];
                };
            };
            /** @description A malformed path or body (MALFORMED_PATH, NUL_CHARACTER, BAD_REQUEST, MALFORMED_JSON, JSON_TOO_DEEP, INVALID_OPTION) */
            400: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "MALFORMED_PATH" | "NUL_CHARACTER" | "BAD_REQUEST" | "MALFORMED_JSON" | "JSON_TOO_DEEP" | "INVALID_OPTION";
                        };
                    };
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            /** @description No such run (RUN_NOT_FOUND) */
            404: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "RUN_NOT_FOUND";
                        };
                    };
                };
            };
            405: components["responses"]["MethodNotAllowed"];
            /** @description The run's status does not allow it, or another process drives the run (INVALID_TRANSITION, STORE_LOCKED) */
            409: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "INVALID_TRANSITION" | "STORE_LOCKED";
                        };
                    };
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Unexpected"];
            503: components["responses"]["Unavailable"];
        };
    };
    getOpenApiDocument: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI document */
            200: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        openapi: string;
                        info: Record<string, never>;
                        paths: Record<string, never>;
                    };
                };
            };
            405: components["responses"]["MethodNotAllowed"];
            500: components["responses"]["Unexpected"];
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process answers */
            200: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            405: components["responses"]["MethodNotAllowed"];
            500: components["responses"]["Unexpected"];
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready or degraded */
            200: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            405: components["responses"]["MethodNotAllowed"];
            500: components["responses"]["Unexpected"];
            /** @description Not ready (NOT_READY, SHUTTING_DOWN) */
            503: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "NOT_READY" | "SHUTTING_DOWN";
                        };
                    };
                };
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text format */
            200: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            /** @description Metrics are off (NOT_FOUND) */
            404: {
                headers: {
                    /** @description The request's id: the one sent, if sane, or a new one */
                    "x-request-id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        error?: {
                            /** @enum {string} */
                            code?: "NOT_FOUND";
                        };
                    };
                };
            };
            405: components["responses"]["MethodNotAllowed"];
            500: components["responses"]["Unexpected"];
        };
    };
}
