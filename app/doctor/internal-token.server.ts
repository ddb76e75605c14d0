// Checklist: INTERNAL_API_TOKEN is a strong secret. Strong = at least 32 characters, not a
// placeholder copied from the docs, not a word anyone would guess, not a run of a few characters.
// The value is only ever compared here; it is never printed.

import { MIN_INTERNAL_TOKEN_LENGTH } from "#shared/config/common.ts"
import { fail, pass, skip, type CheckLine } from "./check-line.server.ts"

const ITEM = "INTERNAL_API_TOKEN is a strong secret"
const FIX = "Set INTERNAL_API_TOKEN=$(openssl rand -hex 32), the same value on web and worker, and restart both."

// Words that show a value was typed by a person or copied from an example, not generated.
const WEAK_WORDS = /change.?me|passw(or)?d|secret|example|token|placeholder|default|qwerty|letmein|123456|abcdef|openssl rand/i
const MIN_DISTINCT_CHARACTERS = 8

export function weaknessOf(token: string): string | null {
  if (token.length < MIN_INTERNAL_TOKEN_LENGTH) return `it is ${token.length} characters; it must be at least ${MIN_INTERNAL_TOKEN_LENGTH}`
  if (/[<>$]/.test(token) || WEAK_WORDS.test(token)) return "it is a well-known or placeholder value (it contains a word or the example from the docs)"
  if (new Set(token).size < MIN_DISTINCT_CHARACTERS) return `it uses fewer than ${MIN_DISTINCT_CHARACTERS} different characters`
  return null
}

export function tokenStrengthLine(rawToken: string | undefined, production = true): CheckLine {
  if (rawToken === undefined && !production) {
    return skip(ITEM, "INTERNAL_API_TOKEN is unset: `npm start` generates one into SECOND_DATA_DIR; a deployment of separate processes must set it")
  }
  if (rawToken === undefined) return fail(ITEM, "INTERNAL_API_TOKEN is not set (production refuses to start without it; elsewhere the internal APIs are open)", FIX)
  const weakness = weaknessOf(rawToken)
  if (weakness !== null) return fail(ITEM, `INTERNAL_API_TOKEN is weak: ${weakness}`, FIX)
  return pass(ITEM, `${rawToken.length} characters, not a well-known value (never printed)`)
}
