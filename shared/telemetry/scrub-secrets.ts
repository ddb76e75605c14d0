// What an error report may not carry, cut out of its text before it leaves the process: the
// deployment's own secret values (exactly), credentials in URLs, bearer and basic credentials,
// provider and API tokens, key=value secrets, and long random-looking strings. Ids, paths and
// UUIDs are kept. The worker redacts what runtimes say with the same patterns (redact-secrets.ts).

const REDACTED = "<redacted>"
/** Shorter values would blank ordinary words out of messages; real secrets are much longer. */
const MIN_KNOWN_SECRET_LENGTH = 8

export type Scrub = (text: string) => string

export function createScrubber(knownSecrets: readonly string[]): Scrub {
  const known = [...new Set(knownSecrets.filter((value) => value.length >= MIN_KNOWN_SECRET_LENGTH))].sort((a, b) => b.length - a.length)
  return (text) => {
    let scrubbed = text
    for (const value of known) scrubbed = scrubbed.split(value).join(REDACTED)
    return scrubbed
      .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]+@/gi, `$1${REDACTED}@`)
      .replace(/\bsec_[A-Za-z0-9_-]{16,}/g, REDACTED)
      .replace(/\b(?:sk|pk|rk|phc|phx|sntrys)[-_][A-Za-z0-9_-]{8,}/g, REDACTED)
      .replace(/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, REDACTED)
      .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`)
      .replace(/((?:api[_-]?key|token|secret|password|passwd|cookie|authorization)["']?\s*[:=]\s*["']?)[^\s"'&,;}]{6,}/gi, `$1${REDACTED}`)
      .replace(/[A-Za-z0-9+_-]{32,}={0,2}/g, (match) => (/[a-z]/.test(match) && /[A-Z]/.test(match) && /[0-9]/.test(match) ? REDACTED : match))
      .replace(/\b[a-z2-7]{40,}\b/g, REDACTED)
  }
}

const EMAIL = /[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/gi
/** A run of characters that is not whitespace or a quote: where a URL in a message can be. */
const TOKEN = /[^\s"'`<>]+/g
/** "%3F…" or "%23…" (a query or fragment inside a percent-encoded URL, e.g. ?returnTo=https%3A%2F%2Fh%2Fcb%3Fcode%3D…), encoded once or more. */
const ENCODED_QUERY = /%(?:25)*(?:3F|23)[^\s"'`<>]*/gi

/**
 * For text from browsers (page errors), which carries the person's URLs: cuts the query and
 * fragment off anything URL-ish (an absolute URL of any scheme, a relative path, or a token whose
 * "?" starts a key=value query), percent-encoded queries too, and replaces email addresses.
 * Ordinary words, including a lone "?" or "C#", are kept. Not part of createScrubber: the worker
 * redacts runtime output with that, where a query or an address can be the point of the output.
 */
export function withoutQueriesAndEmails(text: string): string {
  return text
    .replace(ENCODED_QUERY, "")
    .replace(TOKEN, (token) => {
      const at = token.search(/[?#]/)
      if (at === -1) return token
      const before = token.slice(0, at)
      const after = token.slice(at + 1)
      const urlish = /[/\\:]/.test(before) || after.includes("=")
      return urlish ? before : token
    })
    .replace(EMAIL, "<email>")
}
