// Access request files on a stick: a newcomer's signed request for one festival, sealed with the festival's
// id-derived key and named by its discovery key, so a found stick shows no id, name or key. Browser-safe.
import { PandafestError } from "../../engine/core/errors.js";
import { ACCESS_REQUEST_FIELD_PATTERNS, accessRequestFrom, type AccessRequestFields } from "../../engine/core/governance/records.js";
import { idDerivedKey } from "../../engine/core/membership/keyring.js";
import { fromHex, labelledHash, openSealed, seal, toHex } from "./crypto.js";
import { discoveryKey } from "./discovery.js";
import type { FestivalIdLookup } from "./codec.js";

export const REQUEST_FILE_EXTENSION = ".pfr";
export const REQUEST_FILE_FORMAT = "pandafest-access-request";
export const REQUEST_FILE_VERSION = 1;
export const REQUEST_NAME_LABEL = "pandafest-request-name-v1";
/** A request file is a few hundred bytes; anything larger is not one. */
export const MAX_REQUEST_FILE_BYTES = 8 * 1024;

const FILE_NAME_PATTERN = /^([0-9a-f]{16})-([0-9a-f]{16})\.pfr$/;
const HEX = /^(?:[0-9a-f]{2})*$/;
const FIELDS = Object.keys(ACCESS_REQUEST_FIELD_PATTERNS) as (keyof AccessRequestFields)[];

/**
 * `<first 16 hex of the discovery key>-<16 hex>.pfr`, the second part SHA-256("pandafest-request-name-v1" ‖ festival
 * id ‖ "\n" ‖ requester key): the same request always gets the same name, and only who knows the id can link it.
 */
export function requestFileName(festivalId: string, requesterKey: string): string {
  return `${discoveryKey(festivalId).slice(0, 16)}-${toHex(labelledHash(REQUEST_NAME_LABEL, `${festivalId}\n${requesterKey}`)).slice(0, 16)}${REQUEST_FILE_EXTENSION}`;
}

export function isRequestFileName(name: string): boolean {
  return FILE_NAME_PATTERN.test(name);
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

/** The file: JSON {format, version, discoveryKey, sealed}; `sealed` is {festivalId, request} sealed with the id-derived key. */
export function encodeRequestFile(festivalId: string, request: AccessRequestFields): Uint8Array {
  const inner = JSON.stringify({ festivalId, request: Object.fromEntries(FIELDS.map((field) => [field, request[field]])) });
  const sealed = toHex(seal(utf8.encode(inner), idDerivedKey(festivalId)));
  return utf8.encode(`${JSON.stringify({ format: REQUEST_FILE_FORMAT, version: REQUEST_FILE_VERSION, discoveryKey: discoveryKey(festivalId), sealed })}\n`);
}

function refuse(message: string): never {
  throw new PandafestError(message, { code: "input" });
}

function parseObject(text: string, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    refuse(`${what} is not valid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) refuse(`${what} is not a JSON object`);
  return parsed as Record<string, unknown>;
}

/** The discovery key a request file names, checking only its clear part; throws for anything that is not one. */
export function requestFileDiscoveryKey(bytes: Uint8Array): { discoveryKey: string; sealed: string } {
  if (bytes.length > MAX_REQUEST_FILE_BYTES) refuse(`${bytes.length} bytes is more than a request file can be (${MAX_REQUEST_FILE_BYTES})`);
  let text: string;
  try {
    text = utf8Decoder.decode(bytes);
  } catch {
    refuse("request file is not UTF-8 text");
  }
  const outer = parseObject(text, "request file");
  if (outer.format !== REQUEST_FILE_FORMAT) refuse("not a pandafest access request file");
  if (outer.version !== REQUEST_FILE_VERSION) refuse(`access request file version ${String(outer.version).slice(0, 20)} is not one this pandafest reads (${REQUEST_FILE_VERSION}); update pandafest`);
  if (typeof outer.discoveryKey !== "string" || !/^[0-9a-f]{64}$/.test(outer.discoveryKey)) refuse("request file's discovery key is not 64 lower-case hex");
  if (typeof outer.sealed !== "string" || !HEX.test(outer.sealed)) refuse("request file's sealed part is not lower-case hex");
  return { discoveryKey: outer.discoveryKey, sealed: outer.sealed };
}

/**
 * Opens a request file of a festival this reader knows (undefined for another festival: it is left for others).
 * Throws PandafestError when the file is damaged or names another festival inside than outside. The request's
 * signatures are not checked here (admissibleRequest does, against the festival).
 */
export function decodeRequestFile(bytes: Uint8Array, lookup: FestivalIdLookup): { festivalId: string; request: AccessRequestFields } | undefined {
  const clear = requestFileDiscoveryKey(bytes);
  const festivalId = lookup(clear.discoveryKey);
  if (festivalId === undefined || discoveryKey(festivalId) !== clear.discoveryKey) return undefined;
  const sealed = fromHex(clear.sealed);
  const opened = sealed === undefined ? undefined : openSealed(sealed, idDerivedKey(festivalId));
  if (opened === undefined) refuse("request file could not be decrypted: the file is damaged");
  let text: string;
  try {
    text = utf8Decoder.decode(opened);
  } catch {
    refuse("request file's sealed part is not UTF-8 text");
  }
  const inner = parseObject(text, "request file's sealed part");
  if (inner.festivalId !== festivalId) refuse("request file names another festival inside than its discovery key");
  const request = accessRequestFrom(inner.request);
  if ("problem" in request) refuse(`request file: ${request.problem}`);
  return { festivalId, request };
}
