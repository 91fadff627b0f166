// Whether runs are traced, and where spans go: the standard OTEL_* variables, as
// the settings schema (src/config/settings.ts) reads them, interpreted here. Tracing is off unless an OTLP endpoint is given
// (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) or
// OTEL_TRACES_EXPORTER=otlp asks for the default one (http://localhost:4318):
// the specification's own default ("otlp") would send spans to a collector that
// most installations do not run. OTEL_SDK_DISABLED=true or
// OTEL_TRACES_EXPORTER=none turn it off whatever else is set.
import { InvalidOptionError } from "../core/errors.js";

export type OtlpProtocol = "http/protobuf" | "http/json";

export interface TracingSettings {
  /** Where spans are POSTed: the traces endpoint as given, or the base endpoint + /v1/traces. */
  url: string;
  protocol: OtlpProtocol;
  /** OTEL_SERVICE_NAME, default "conveyor" (OTEL_RESOURCE_ATTRIBUTES add to it). */
  serviceName: string;
  /** How long one export may take, retries included (OTEL_EXPORTER_OTLP_TRACES_TIMEOUT or OTEL_EXPORTER_OTLP_TIMEOUT, ms; default 10 s). */
  timeoutMs: number;
}

const DEFAULT_ENDPOINT = "http://localhost:4318";

/** The tracing settings of this environment; undefined when tracing is off. Throws naming a bad variable. */
export type TracingVariable =
  | "OTEL_SDK_DISABLED"
  | "OTEL_TRACES_EXPORTER"
  | "OTEL_EXPORTER_OTLP_ENDPOINT"
  | "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
  | "OTEL_EXPORTER_OTLP_PROTOCOL"
  | "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"
  | "OTEL_EXPORTER_OTLP_TIMEOUT"
  | "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT"
  | "OTEL_SERVICE_NAME";

export function tracingSettings(env: Partial<Record<TracingVariable, string | undefined>>): TracingSettings | undefined {
  const get = (name: TracingVariable) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  if (get("OTEL_SDK_DISABLED")?.toLowerCase() === "true") return undefined;
  const exporter = get("OTEL_TRACES_EXPORTER")?.toLowerCase();
  if (exporter === "none") return undefined;
  if (exporter !== undefined && exporter !== "otlp") {
    throw new InvalidOptionError("OTEL_TRACES_EXPORTER", `Conveyor exports traces over OTLP: use otlp or none, not "${exporter}"`);
  }
  const tracesEndpoint = get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  const endpoint = get("OTEL_EXPORTER_OTLP_ENDPOINT");
  if (exporter === undefined && tracesEndpoint === undefined && endpoint === undefined) return undefined;
  const url =
    tracesEndpoint !== undefined
      ? checkUrl("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", tracesEndpoint)
      : `${checkUrl("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, "")}/v1/traces`;
  const protocolVar =
    get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") !== undefined ? "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL" : "OTEL_EXPORTER_OTLP_PROTOCOL";
  const protocol = get(protocolVar) ?? "http/protobuf";
  if (protocol !== "http/protobuf" && protocol !== "http/json") {
    throw new InvalidOptionError(protocolVar, `Conveyor exports OTLP over HTTP: use http/protobuf or http/json, not "${protocol}"`);
  }
  const timeoutVar =
    get("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT") !== undefined ? "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT" : "OTEL_EXPORTER_OTLP_TIMEOUT";
  const timeoutText = get(timeoutVar);
  const timeoutMs = timeoutText === undefined ? 10_000 : Number(timeoutText);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw new InvalidOptionError(timeoutVar, `a whole number of milliseconds, more than 0, not "${timeoutText}"`);
  return { url, protocol, serviceName: get("OTEL_SERVICE_NAME") ?? "conveyor", timeoutMs };
}

function checkUrl(name: string, text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new InvalidOptionError(name, `not a URL: "${text}"`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new InvalidOptionError(name, `an http:// or https:// URL, not "${text}"`);
  return text;
}
