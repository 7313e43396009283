// Credentials out of everything the kit prints or writes: a server or a proxy may echo the Authorization
// header in an error body, and a URL may carry a password or an api_key. Pure.

/** Query parameters whose value is a credential (signed URLs included). */
const SECRET_PARAM = /([?&;](?:api[-_]?key|apikey|key|token|access[-_]?token|auth|password|passwd|secret|client[-_]?secret|sig|signature|x-amz-(?:signature|credential|security-token)|x-goog-signature)=)[^&;#\s"'<>]*/gi;
/** `scheme://user:password@host`: the user part and the password. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;
/** An Authorization-style header or JSON field and its value, up to the end of the value. */
const AUTH_FIELD = /\b((?:proxy-)?authorization|x-api-key|api[-_]?key)(["']?\s*[:=]\s*["']?)(?:(?:bearer|basic|token)\s+)?[^\s"',;&]+/gi;
/** A bearer or basic credential anywhere else. */
const SCHEME_CREDENTIAL = /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi;

const REDACTED = "[redacted]";

/**
 * The text with every known secret (each at least 4 characters, raw and URL-encoded) and every credential
 * shaped like one — Authorization headers, bearer tokens, URL passwords, api_key-like query parameters —
 * replaced by "[redacted]".
 */
export function redactText(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(REDACTED);
  }
  return out
    .replace(URL_CREDENTIALS, `$1${REDACTED}@`)
    .replace(SECRET_PARAM, `$1${REDACTED}`)
    .replace(AUTH_FIELD, `$1$2${REDACTED}`)
    .replace(SCHEME_CREDENTIAL, `$1 ${REDACTED}`);
}

/** A URL without credentials: no user or password, and api_key-like query parameters redacted. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return redactText(u.href);
  } catch {
    return redactText(url);
  }
}

/** Every string in a JSON-like value, redacted (objects and arrays copied). */
export function redactDeep<T>(value: T, secrets: readonly (string | undefined)[] = []): T {
  if (typeof value === "string") return redactText(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, secrets)])) as T;
  }
  return value;
}
