// The stable `anon_…` id anonymized events share: an HMAC of the person's id under a key derived
// from this deployment's session key (SECOND_NO_AUTH_SESSION_SECRET, else INTERNAL_API_TOKEN). The
// same person always gets the same id on every web instance; PostHog, which never sees the key,
// cannot link it to the person (not even to the id it saw while they were identified).
// NOTE: with neither secret set (a bare development run) the session key, and so these ids,
// change on each restart.

import { createHmac, hkdfSync } from "node:crypto"

export type AnonymousIdOf = (userId: string) => string

export function anonymousIds(sessionKey: Uint8Array): AnonymousIdOf {
  const key = Buffer.from(hkdfSync("sha256", sessionKey, "", "second/analytics-anonymous-id/v1", 32))
  return (userId) => `anon_${createHmac("sha256", key).update(userId).digest("base64url").slice(0, 27)}`
}
