// Conveyor's settings: the one place that knows what Conveyor can be told through
// its environment (src/config/settings.ts), parses it and hands typed settings on.
// Nothing else in src reads process.env (eslint.config.js enforces it).
export { loadSettings, withFlag, SettingsError, type Environment } from "./config/load.js";
export { processEnvironment } from "./config/environment.js";
export { SETTINGS, settingsSchema, SETTING_NAMES, type Settings, type SettingName } from "./config/settings.js";
export { GROUPS, type Group } from "./config/setting.js";
export type { TokenEntry } from "./config/token-entries.js";
