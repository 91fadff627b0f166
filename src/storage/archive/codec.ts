// How an archived run's parts are encoded: JSON (the events as JSON lines, one event a
// line, so a page of them is found without parsing the rest), compressed with gzip on
// libuv's thread pool, so a large run's compression never holds the event loop.
import { promisify } from "node:util";
import { gunzip, gzip, constants } from "node:zlib";

/** The encoding of archived_runs rows this code writes and reads. */
export const ARCHIVE_FORMAT = 1;

const zip = promisify(gzip);
const unzip = promisify(gunzip);
// level 6 (zlib's default) is within a few per cent of 9 on these JSON parts, at half the time
const OPTIONS = { level: constants.Z_DEFAULT_COMPRESSION };

export const packJson = (value: unknown): Promise<Buffer> => zip(JSON.stringify(value), OPTIONS);

export const unpackJson = async <T>(bytes: Uint8Array): Promise<T> => JSON.parse((await unzip(bytes)).toString("utf8")) as T;

export const packLines = (values: readonly unknown[]): Promise<Buffer> => zip(values.map((v) => JSON.stringify(v)).join("\n"), OPTIONS);

/** The lines, unparsed: a reader parses only those it returns. */
export const unpackLines = async (bytes: Uint8Array): Promise<string[]> => {
  const text = (await unzip(bytes)).toString("utf8");
  return text === "" ? [] : text.split("\n");
};
