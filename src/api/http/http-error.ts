// An HTTP answer other than success, with the code clients branch on: thrown by
// body readers and handlers, answered by the server as JSON.
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = "BAD_REQUEST",
    readonly details: Record<string, unknown> = {},
    /** Headers the answer needs (405's Allow). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}
