// Checks a bearer token without leaking, through timing, how much of it was right. Both sides are
// hashed first so the comparison takes the same time whatever the presented token's length.

import { sha256 } from "@oslojs/crypto/sha2"
import { constantTimeEqual } from "@oslojs/crypto/subtle"

const encoder = new TextEncoder()

export function tokensMatch(presented: string, expected: string): boolean {
  return constantTimeEqual(sha256(encoder.encode(presented)), sha256(encoder.encode(expected)))
}

/** The token of an `Authorization: Bearer <token>` header, or null for any other shape. */
export function bearerToken(authorization: string | null | undefined): string | null {
  const match = /^Bearer ([^\s]+)$/i.exec(authorization?.trim() ?? "")
  return match?.[1] ?? null
}
