// The OpenID Connect relying party for "external" sign-in: authorization code + PKCE against any
// configured issuer, ending in a verified identity. No cookies, storage or routes here.

import { CodeChallengeMethod, generateCodeVerifier, generateState, OAuth2Client } from "arctic"
import type { Secret } from "#shared/config/secret.ts"
import { checkIssuerUrl, discover, type ProviderMetadata } from "./discovery.server.ts"
import { DEFAULT_TIMEOUT_MS } from "./http.server.ts"
import { verifyIdToken } from "./id-token.server.ts"
import { toIdentity } from "./identity.server.ts"
import { createKeySet, type KeySet } from "./jwks.server.ts"
import { OidcError } from "./oidc-error.server.ts"
import { chooseAuthMethod, exchangeCode } from "./token-endpoint.server.ts"
import { fetchUserinfo } from "./userinfo.server.ts"

export { OidcError, type OidcErrorCode } from "./oidc-error.server.ts"

export interface OidcSettings {
  readonly issuer: URL
  readonly clientId: string
  /** undefined = public client (PKCE only). */
  readonly clientSecret: Secret | undefined
  /** Our /auth/oidc/callback. */
  readonly redirectUri: URL
  /** "openid" is added when missing: without it there is no ID token. */
  readonly scopes: readonly string[]
  /** http:// issuers are accepted only when this is true (loopback development and tests). */
  readonly allowInsecureIssuer?: boolean
  /** Bound on each call to the provider; 10 s by default. */
  readonly timeoutMs?: number
}

export interface OidcSignInStart {
  /** Where to redirect the browser. */
  readonly url: URL
  readonly state: string
  readonly codeVerifier: string
  readonly nonce: string
}

export interface OidcIdentity {
  /** The verified `iss`. */
  readonly issuer: string
  readonly subject: string
  readonly email: string | null
  readonly emailVerified: boolean
  /** `name`, else given_name + family_name, else preferred_username. */
  readonly name: string | null
  /** Verified ID token claims merged over userinfo claims (the ID token wins on conflict). */
  readonly claims: Readonly<Record<string, unknown>>
}

export interface OidcClient {
  startSignIn(): Promise<OidcSignInStart>
  completeSignIn(input: { readonly code: string; readonly codeVerifier: string; readonly nonce: string }): Promise<OidcIdentity>
}

interface Provider {
  readonly metadata: ProviderMetadata
  readonly keys: KeySet
}

/** Throws OidcError("invalid_issuer") at once for an issuer URL that can never work. */
export function createOidcClient(settings: OidcSettings): OidcClient {
  checkIssuerUrl(settings)
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const scopes = settings.scopes.includes("openid") ? [...settings.scopes] : ["openid", ...settings.scopes]
  // Only builds the authorization URL; the code exchange is ours (see token-endpoint.server.ts).
  const authorization = new OAuth2Client(settings.clientId, null, settings.redirectUri.href)

  // Discovered once per client, on first use; a failure is forgotten so the next call retries.
  let provider: Promise<Provider> | undefined
  const getProvider = () => {
    if (provider) return provider
    const loading = discover(settings, timeoutMs).then((metadata) => ({ metadata, keys: createKeySet(metadata.jwksUri, timeoutMs) }))
    provider = loading
    loading.catch(() => {
      if (provider === loading) provider = undefined
    })
    return loading
  }

  return {
    async startSignIn() {
      const { metadata } = await getProvider()
      const state = generateState()
      const codeVerifier = generateCodeVerifier()
      const nonce = generateState()
      const url = authorization.createAuthorizationURLWithPKCE(metadata.authorizationEndpoint.href, state, CodeChallengeMethod.S256, codeVerifier, scopes)
      url.searchParams.set("nonce", nonce)
      return { url, state, codeVerifier, nonce }
    },

    async completeSignIn({ code, codeVerifier, nonce }) {
      if (nonce === "") throw new OidcError("invalid_id_token", "This sign-in attempt has no nonce to check the ID token against.")
      const { metadata, keys } = await getProvider()
      const tokens = await exchangeCode({
        tokenEndpoint: metadata.tokenEndpoint,
        clientId: settings.clientId,
        clientSecret: settings.clientSecret,
        authMethod: chooseAuthMethod(settings.clientSecret !== undefined, metadata.tokenEndpointAuthMethods),
        redirectUri: settings.redirectUri,
        code,
        codeVerifier,
        timeoutMs,
      })
      const claims = await verifyIdToken(tokens.idToken, keys, {
        issuer: metadata.issuer,
        clientId: settings.clientId,
        nonce,
        now: Math.floor(Date.now() / 1000),
      })
      if (metadata.userinfoEndpoint === null) return toIdentity(claims, null)
      if (tokens.accessToken === null) {
        throw new OidcError("token_exchange_failed", "The identity provider returned no access token to read the user's profile with.")
      }
      const userinfo = await fetchUserinfo(metadata.userinfoEndpoint, tokens.accessToken, claims.sub as string, timeoutMs)
      return toIdentity(claims, userinfo)
    },
  }
}
