// Ids for everything we store: 120 random bits as 24 lowercase base32 characters, safe in URLs.

import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding"

export const ID_PATTERN = /^[a-z2-7]{24}$/

export function newId(): string {
  return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(15)))
}

/** A 256-bit random secret (session tokens, invitation tokens), base32 so it survives URLs and cookies. */
export function newSecretToken(): string {
  return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(32)))
}
