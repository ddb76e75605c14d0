// ID token verification (OIDC Core §3.1.3.7): a JWS signed by one of the issuer's published keys
// with an asymmetric algorithm, for this client, current, and bound to this sign-in by its nonce.

import { constants, verify, type KeyObject } from "node:crypto"
import { isRecord } from "./http.server.ts"
import { SUPPORTED_ALGORITHMS, type KeySet, type SupportedAlgorithm } from "./jwks.server.ts"
import { OidcError } from "./oidc-error.server.ts"

/** How far our clock may be behind or ahead of the provider's. */
export const CLOCK_SKEW_SECONDS = 60

export interface IdTokenExpectations {
  readonly issuer: string
  readonly clientId: string
  readonly nonce: string
  /** Seconds since the epoch. */
  readonly now: number
}

const invalid = (message: string) => new OidcError("invalid_id_token", message)
const BASE64URL = /^[A-Za-z0-9_-]+$/

export async function verifyIdToken(token: string, keys: KeySet, expected: IdTokenExpectations): Promise<Record<string, unknown>> {
  const parts = token.split(".")
  if (parts.length === 5) throw invalid("The ID token is encrypted (JWE), which is not supported; configure the provider to sign ID tokens only.")
  const [encodedHeader, encodedPayload, encodedSignature] = parts
  if (parts.length !== 3 || !encodedHeader || !encodedPayload || !encodedSignature || !parts.every((part) => BASE64URL.test(part))) {
    throw invalid("The ID token is not a signed JWT.")
  }
  const header = decodeJson(encodedHeader)
  const claims = decodeJson(encodedPayload)
  if (!header || !claims) throw invalid("The ID token is not a signed JWT.")
  const alg = header.alg
  if (!isSupported(alg)) {
    const named = typeof alg === "string" && /^[A-Za-z0-9+_-]{1,20}$/.test(alg) ? alg : "unknown"
    throw invalid(`The ID token is signed with ${named}; only ${SUPPORTED_ALGORITHMS.join(", ")} are accepted.`)
  }
  if (header.crit !== undefined) throw invalid("The ID token has critical header extensions, which are not supported.")
  const kid = typeof header.kid === "string" ? header.kid : undefined

  const candidates = await keys.candidates(alg, kid)
  if (candidates.length === 0) {
    throw invalid("The ID token is signed with a key the issuer does not publish. Sign-in cannot be trusted.")
  }
  const signedBytes = Buffer.from(`${encodedHeader}.${encodedPayload}`, "ascii")
  const signature = Buffer.from(encodedSignature, "base64url")
  if (!candidates.some((key) => signatureValid(alg, key, signedBytes, signature))) {
    throw invalid("The ID token's signature is invalid. Sign-in cannot be trusted.")
  }
  checkClaims(claims, expected)
  return claims
}

function checkClaims(claims: Record<string, unknown>, expected: IdTokenExpectations): void {
  if (claims.iss !== expected.issuer) {
    throw invalid(`The ID token was issued by ${describe(claims.iss)}, not by the configured issuer "${expected.issuer}".`)
  }
  const audiences = typeof claims.aud === "string" ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : []
  if (!audiences.includes(expected.clientId)) {
    throw invalid("The ID token was issued for another application: its audience does not include this client ID.")
  }
  // With several audiences, azp names the one the token was issued to (Core §3.1.3.7 steps 4–5).
  if ((audiences.length > 1 || claims.azp !== undefined) && claims.azp !== expected.clientId) {
    throw invalid("The ID token was issued to another application (azp is not this client ID).")
  }
  if (typeof claims.exp !== "number" || claims.exp + CLOCK_SKEW_SECONDS <= expected.now) {
    throw invalid("The ID token has expired. If this keeps happening, check this server's clock.")
  }
  if (typeof claims.iat !== "number" || claims.iat - CLOCK_SKEW_SECONDS > expected.now) {
    throw invalid("The ID token's issue time is missing or in the future. If this keeps happening, check this server's clock.")
  }
  if (claims.nbf !== undefined && (typeof claims.nbf !== "number" || claims.nbf - CLOCK_SKEW_SECONDS > expected.now)) {
    throw invalid("The ID token is not valid yet. If this keeps happening, check this server's clock.")
  }
  if (claims.nonce !== expected.nonce) {
    throw invalid("The ID token belongs to another sign-in attempt (nonce mismatch). Please sign in again.")
  }
  if (typeof claims.sub !== "string" || claims.sub === "") throw invalid("The ID token names no subject (sub).")
}

function signatureValid(alg: SupportedAlgorithm, key: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    return verifySignature(alg, key, data, signature)
  } catch {
    return false
  }
}

function verifySignature(alg: SupportedAlgorithm, key: KeyObject, data: Buffer, signature: Buffer): boolean {
  switch (alg) {
    case "RS256":
      return verify("sha256", data, key, signature)
    case "PS256":
      return verify("sha256", data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature)
    case "ES256":
      // JWS carries ECDSA signatures as raw r||s (RFC 7518 §3.4), not DER.
      return signature.length === 64 && verify("sha256", data, { key, dsaEncoding: "ieee-p1363" }, signature)
  }
}

const isSupported = (alg: unknown): alg is SupportedAlgorithm => (SUPPORTED_ALGORITHMS as readonly unknown[]).includes(alg)

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"))
    return isRecord(value) ? value : null
  } catch {
    return null
  }
}

const describe = (value: unknown) => (typeof value === "string" ? `"${value.slice(0, 200)}"` : "no issuer")
