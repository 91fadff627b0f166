// Sending a control's mutation and reading its answer: the run it returns, or
// the error the server named (code and message), or a transport failure.
import { api } from "./api.js";
import type { MutationAnswer } from "./types.js";

export interface Outcome {
  ok: boolean;
  message: string;
  answer?: MutationAnswer;
}

export async function mutate(query: string, variables: Record<string, unknown>, done: string): Promise<Outcome> {
  try {
    const { r } = await api.gql<{ r: MutationAnswer }>(query, variables);
    if (r.code !== undefined) return { ok: false, message: `${r.code}: ${r.message ?? r.__typename}`, answer: r };
    return { ok: true, message: done, answer: r };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}
