// CONVEYOR_RETENTION: how long finished runs are kept ("30d", "1000 runs", "30d,1000 runs").
// Unset or empty keeps every run. Checked before anything opens, naming the setting.
import { parseRetention, type RetentionPolicy } from "../core/retention.js";

export function retentionFromEnv(text: string | undefined = process.env.CONVEYOR_RETENTION): RetentionPolicy | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  return parseRetention(text, "CONVEYOR_RETENTION");
}
