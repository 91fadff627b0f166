// Signing secrets in the Standard Webhooks form: "whsec_" and base64 of random bytes.
import { randomBytes } from "node:crypto";

export const newSecret = (): string => `whsec_${randomBytes(32).toString("base64")}`;

/** Whether a configured secret has that form (and at least 16 bytes: shorter ones are guessable). */
export function isSecret(s: string): boolean {
  const m = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(s);
  return m !== null && Buffer.from(m[1]!, "base64").length >= 16;
}
