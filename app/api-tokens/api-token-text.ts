// What a personal API token looks like: "sec_" and 43 base64url characters (32 random bytes). Only
// its SHA-256 is stored (shared/crypto/token-hash.ts); lists show "sec_" and its first 4 characters.

import { encodeBase64urlNoPadding } from "@oslojs/encoding"

export const API_TOKEN_PREFIX = "sec_"
export const API_TOKEN_PATTERN = /^sec_[A-Za-z0-9_-]{43}$/

/**
 * An Authorization header that offers one of our tokens. Other credentials (Basic, or a Bearer JWT
 * an authenticating proxy passes on) belong to the deployment's proxy: the cookie decides then.
 */
export const OFFERS_API_TOKEN = /^\s*bearer\s+sec_/i

/** Expiries the Account page offers; the API accepts exactly these. */
export const API_TOKEN_EXPIRY_DAYS = [7, 30, 90, 365] as const
export type ApiTokenExpiryDays = (typeof API_TOKEN_EXPIRY_DAYS)[number]

export const API_TOKEN_NAME_MAX = 80

/** What a name of only spaces gets: what to type instead. */
export const API_TOKEN_NAME_MISSING = "Give the token a name that says what it is for, e.g. “Nightly report”."

/** The Account page's query parameter for the workspace its API tokens card shows. */
export const ACCOUNT_WORKSPACE_PARAM = "workspace"

/** The Account page open on one workspace's API tokens. */
export const accountTokensPath = (workspaceId: string) => `/account?${ACCOUNT_WORKSPACE_PARAM}=${encodeURIComponent(workspaceId)}`

/** The Account page's form intents for tokens (its action hands these to app/api-tokens/account-tokens.server.ts). */
export const TOKEN_INTENTS = ["createToken", "revokeToken"] as const

/** One refusal for every token that does not work, so a caller never learns which check failed. */
export const INVALID_API_TOKEN_MESSAGE = "The API token is not valid: create a new one on your Account page."

export function newApiToken(): string {
  return API_TOKEN_PREFIX + encodeBase64urlNoPadding(crypto.getRandomValues(new Uint8Array(32)))
}

/** The 4 characters after "sec_" the list shows, so a person can tell their tokens apart. */
export const apiTokenHint = (token: string) => token.slice(API_TOKEN_PREFIX.length, API_TOKEN_PREFIX.length + 4)

/** "sec_abcd…": how a token is shown once its secret is gone. */
export const shownHint = (hint: string) => `${API_TOKEN_PREFIX}${hint}…`
