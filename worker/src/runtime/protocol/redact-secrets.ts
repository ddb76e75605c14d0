// One rule for cutting credentials out of anything a runtime says that may reach a person, a log
// or an event: provider keys, cloud keys, bearer and basic credentials, key=value secrets, and
// long random-looking strings. Ids, paths and UUIDs are kept.

const REDACTED = "<redacted>"

export function redactSecrets(text: string): string {
  return text
    .replace(/\b(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}/g, REDACTED)
    .replace(/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, REDACTED)
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`)
    .replace(/((?:api[_-]?key|token|secret|password)["']?\s*[:=]\s*["']?)[^\s"'&,;}]{6,}/gi, `$1${REDACTED}`)
    .replace(/[A-Za-z0-9+_-]{32,}={0,2}/g, (match) => (/[a-z]/.test(match) && /[A-Z]/.test(match) && /[0-9]/.test(match) ? REDACTED : match))
}
