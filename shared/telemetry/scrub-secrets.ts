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
