/**
 * What the action accepts from Together's answers before it uses them as data: file IDs (which go into URLs) and
 * upload URLs (where a dataset goes). A server's answer is hostile until checked here.
 */

/**
 * Together's file IDs are `file-<uuid>` (protocol doc 5.1); any ID of letters, digits, `-` and `_` after `file-` is
 * taken, so a change of the UUID's form does not break uploads. Never `.`, `..`, a slash or a query: an ID goes
 * into request paths (`DELETE /files/{id}`).
 */
const FILE_ID = /^file-[A-Za-z0-9][A-Za-z0-9_-]{0,126}$/;

export function isValidFileId(value: unknown): value is string {
  return typeof value === 'string' && FILE_ID.test(value);
}

/** The same rule for a string at hand, without narrowing it away where it fails. */
export function hasFileIdShape(value: string): boolean {
  return FILE_ID.test(value);
}

/** Together's fine-tune job IDs (`ft-<uuid>`), held to the same rule: letters, digits, `-` and `_` after `ft-`. */
const JOB_ID = /^ft-[A-Za-z0-9][A-Za-z0-9_-]{0,126}$/;

export function isValidJobId(value: unknown): value is string {
  return typeof value === 'string' && JOB_ID.test(value);
}

/** True for localhost, 127.0.0.0/8 and [::1]. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Why a URL the server handed out must not receive the dataset, or undefined: only https, or plain http to this
 * machine (the embedded server), as for the API's own base URL.
 */
export function unsafeUploadUrlReason(url: URL): string | undefined {
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  if (url.protocol === 'http:')
    return `the upload URL is plain http to ${url.hostname}, so the dataset would cross the network in clear; it was not sent`;
  return `the upload URL's scheme is ${url.protocol.replace(/:$/, '')}, not https; it was not sent`;
}
