// The issuer's signing keys (JWKS), cached until an ID token names a key we do not have: then the
// set is fetched once more, which is how a provider's key rotation reaches us.

import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto"
import { fetchJson, isRecord } from "./http.server.ts"
import { OidcError } from "./oidc-error.server.ts"

export const SUPPORTED_ALGORITHMS = ["RS256", "PS256", "ES256"] as const
export type SupportedAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number]

interface PublishedKey {
  readonly kid: string | undefined
  readonly alg: string | undefined
  readonly key: KeyObject
}

export interface KeySet {
  /** Keys that may have signed a token with this header; empty when the issuer publishes none. */
  candidates(alg: SupportedAlgorithm, kid: string | undefined): Promise<readonly KeyObject[]>
}

export function createKeySet(jwksUri: URL, timeoutMs: number): KeySet {
  let cached: Promise<readonly PublishedKey[]> | undefined
  const load = () => {
    const loading = fetchKeys(jwksUri, timeoutMs)
    cached = loading
    // A failed fetch is not remembered: the next sign-in tries again.
    loading.catch(() => {
      if (cached === loading) cached = undefined
    })
    return loading
  }
  return {
    async candidates(alg, kid) {
      const seen = cached
      const found = select(await (seen ?? load()), alg, kid)
      if (found.length > 0 || seen === undefined) return found
      // Unknown key: refetch once, or join a refetch another sign-in already started.
      const current = cached !== undefined && cached !== seen ? cached : load()
      return select(await current, alg, kid)
    },
  }
}

function select(keys: readonly PublishedKey[], alg: SupportedAlgorithm, kid: string | undefined): KeyObject[] {
  return keys
    .filter((entry) => (kid === undefined || entry.kid === kid) && (entry.alg === undefined || entry.alg === alg) && fits(entry.key, alg))
    .map((entry) => entry.key)
}

function fits(key: KeyObject, alg: SupportedAlgorithm): boolean {
  if (alg === "ES256") return key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1"
  return key.asymmetricKeyType === "rsa" && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048
}

async function fetchKeys(jwksUri: URL, timeoutMs: number): Promise<readonly PublishedKey[]> {
  const response = await fetchJson(jwksUri, {}, { what: "the signing keys (JWKS)", code: "discovery_failed", timeoutMs })
  const keys = isRecord(response.body) ? response.body.keys : undefined
  if (response.status !== 200 || !Array.isArray(keys)) {
    throw new OidcError("discovery_failed", `The identity provider's signing keys at ${jwksUri.href} could not be read (HTTP ${response.status}).`)
  }
  return keys.flatMap((jwk): PublishedKey[] => {
    if (!isRecord(jwk) || (jwk.use !== undefined && jwk.use !== "sig")) return []
    try {
      // Keys we cannot use (symmetric, unknown curves, malformed) are skipped, not fatal: the
      // provider may publish keys for other purposes next to its signing keys.
      const key = createPublicKey({ key: jwk as JsonWebKey, format: "jwk" })
      if (key.type !== "public") return []
      return [{ kid: typeof jwk.kid === "string" ? jwk.kid : undefined, alg: typeof jwk.alg === "string" ? jwk.alg : undefined, key }]
    } catch {
      return []
    }
  })
}
