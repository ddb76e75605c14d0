// OpenID Connect as an auth provider: authorization code + PKCE against the configured issuer.
// The attempt (state, PKCE verifier, nonce, return path) waits in live coordination for ten
// minutes, is taken exactly once (GETDEL), and is bound to the browser that started it by a
// cookie, so a callback URL replayed in another browser signs nobody in.

import { hashToken } from "#shared/crypto/token-hash.ts"
import { newSecretToken } from "#shared/ids.ts"
import type { OidcConfig } from "../../config/config.server.ts"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import { createOidcClient, OidcError, type OidcClient } from "../oidc/oidc-client.server.ts"
import { clearCookie, readCookie, serializeCookie } from "../session-cookie.server.ts"
import { SignInError } from "../sign-in-errors.server.ts"
import type { AuthProvider, ExternalSignIn } from "./auth-provider.server.ts"
import { claimNames } from "./role-mapping.server.ts"

const ATTEMPT_TTL_MS = 10 * 60 * 1000
/** One cookie per attempt, so sign-ins started in two tabs do not undo each other. */
const bindingCookie = (state: string) => `second_oidc_${hashToken(state).slice(0, 16)}`

interface Attempt {
  readonly codeVerifier: string
  readonly nonce: string
  readonly returnTo: string
  readonly bindingHash: string
}

export interface OidcProviderOptions {
  readonly config: OidcConfig
  readonly live: LiveCoordination
  readonly redirectUri: URL
  /** Secure cookies when the public URL is HTTPS. */
  readonly secure: boolean
  /** Loopback http issuers, for development and tests only. */
  readonly allowInsecureIssuer: boolean
}

export function createOidcProvider(options: OidcProviderOptions): AuthProvider {
  const client: OidcClient = createOidcClient({
    issuer: options.config.issuer,
    clientId: options.config.clientId,
    clientSecret: options.config.clientSecret,
    redirectUri: options.redirectUri,
    scopes: options.config.scopes,
    allowInsecureIssuer: options.allowInsecureIssuer,
  })
  const attemptKey = (state: string) => `oidc:attempt:${hashToken(state)}`

  return {
    id: "oidc",
    label: options.config.issuer.hostname,

    async start(_request, returnTo) {
      const signIn = await client.startSignIn().catch((error: unknown) => {
        throw error instanceof OidcError ? new SignInError("unavailable", error.message) : error
      })
      const binding = newSecretToken()
      const attempt: Attempt = { codeVerifier: signIn.codeVerifier, nonce: signIn.nonce, returnTo, bindingHash: hashToken(binding) }
      await options.live.setKey(attemptKey(signIn.state), JSON.stringify(attempt), { ttlMs: ATTEMPT_TTL_MS })
      const cookie = serializeCookie(bindingCookie(signIn.state), binding, { secure: options.secure, maxAgeSeconds: ATTEMPT_TTL_MS / 1000 })
      return new Response(null, { status: 302, headers: { location: signIn.url.href, "set-cookie": cookie } })
    },

    async complete(request) {
      const url = new URL(request.url)
      const providerError = url.searchParams.get("error")
      if (providerError) throw new SignInError("provider_refused", providerError.slice(0, 100))
      const state = url.searchParams.get("state")
      const code = url.searchParams.get("code")
      if (!state || !code) throw new SignInError("provider_failed", "the callback had no state or code")
      const stored = await options.live.getKey(attemptKey(state))
      if (!stored) throw new SignInError("expired")
      const attempt = JSON.parse(stored) as Attempt
      const binding = readCookie(request, bindingCookie(state))
      // Checked before the attempt is used up, so a callback URL replayed elsewhere cannot spoil
      // the real sign-in; then taken atomically, so it works exactly once.
      if (!binding || hashToken(binding) !== attempt.bindingHash) throw new SignInError("other_browser")
      if ((await options.live.takeKey(attemptKey(state))) === null) throw new SignInError("expired")

      const identity = await client.completeSignIn({ code, codeVerifier: attempt.codeVerifier, nonce: attempt.nonce }).catch((error: unknown) => {
        throw error instanceof OidcError ? new SignInError("provider_failed", `${error.code}: ${error.message}`) : error
      })
      const workspaceName = options.config.workspaceName
      const signIn: ExternalSignIn = {
        returnTo: attempt.returnTo,
        identity: {
          provider: identity.issuer,
          subject: identity.subject,
          email: identity.email,
          emailVerified: identity.emailVerified || options.config.emailsVerified,
          displayName: identity.name,
          memberships: workspaceName
            ? [{ organizationId: "default", organizationName: workspaceName, roles: claimNames(identity.claims[options.config.roleClaim]) }]
            : [],
        },
      }
      return { signIn, headers: new Headers({ "set-cookie": clearCookie(bindingCookie(state), options.secure) }) }
    },
  }
}
