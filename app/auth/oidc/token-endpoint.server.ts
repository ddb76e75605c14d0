// The authorization code exchange (RFC 6749 §4.1.3 with PKCE, RFC 7636). The token request is
// sent here rather than by arctic because arctic's request cannot be given a timeout.

import type { Secret } from "#shared/config/secret.ts"
import { fetchJson, isRecord } from "./http.server.ts"
import { OidcError } from "./oidc-error.server.ts"

export type ClientAuthMethod = "client_secret_basic" | "client_secret_post" | "none"

export interface CodeExchange {
  readonly tokenEndpoint: URL
  readonly clientId: string
  readonly clientSecret: Secret | undefined
  readonly authMethod: ClientAuthMethod
  readonly redirectUri: URL
  readonly code: string
  readonly codeVerifier: string
  readonly timeoutMs: number
}

export interface TokenResponse {
  readonly idToken: string
  readonly accessToken: string | null
}

/**
 * client_secret_basic is the default every provider must accept when it does not say otherwise
 * (OIDC Core §9); client_secret_post only when the provider lists it and does not list basic.
 */
export function chooseAuthMethod(hasSecret: boolean, supported: readonly string[] | null): ClientAuthMethod {
  if (!hasSecret) return "none"
  if (supported !== null && !supported.includes("client_secret_basic") && supported.includes("client_secret_post")) {
    return "client_secret_post"
  }
  return "client_secret_basic"
}

export async function exchangeCode(exchange: CodeExchange): Promise<TokenResponse> {
  const body = new URLSearchParams({
    grant_type: "authorization_code",
    code: exchange.code,
    redirect_uri: exchange.redirectUri.href,
    code_verifier: exchange.codeVerifier,
  })
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" }
  const secret = exchange.clientSecret?.reveal()
  if (exchange.authMethod === "client_secret_basic" && secret !== undefined) {
    headers.authorization = basicCredentials(exchange.clientId, secret)
  } else {
    body.set("client_id", exchange.clientId)
    if (exchange.authMethod === "client_secret_post" && secret !== undefined) body.set("client_secret", secret)
  }
  const response = await fetchJson(
    exchange.tokenEndpoint,
    { method: "POST", headers, body: body.toString(), redirect: "error" },
    { what: "the token endpoint", code: "token_exchange_failed", timeoutMs: exchange.timeoutMs },
  )
  const data = isRecord(response.body) ? response.body : {}
  if (response.status !== 200) throw refusal(response.status, data.error)
  if (typeof data.id_token !== "string") {
    throw new OidcError("token_exchange_failed", "The identity provider returned no ID token. Check that the client requests the openid scope.")
  }
  return { idToken: data.id_token, accessToken: typeof data.access_token === "string" ? data.access_token : null }
}

/**
 * RFC 6749 §2.3.1: id and secret are form-encoded before Basic encoding (arctic skips this, which
 * breaks secrets containing "%", "+" or ":" at providers that decode as the RFC says).
 */
function basicCredentials(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, "+")
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString("base64")}`
}

/** Only the OAuth error code is quoted: error_description is free text that may echo the request. */
function refusal(status: number, error: unknown): OidcError {
  const code = typeof error === "string" && /^[a-z0-9_.-]{1,64}$/i.test(error) ? error : undefined
  const options = code === undefined ? {} : { oauthError: code }
  if (code === "invalid_grant") {
    return new OidcError(
      "token_exchange_failed",
      "The identity provider refused the sign-in code (invalid_grant): it expired, was already used, or does not match this sign-in. Please sign in again.",
      options,
    )
  }
  if (code === "invalid_client" || status === 401) {
    return new OidcError(
      "token_exchange_failed",
      `The identity provider did not accept this application's credentials (${code ?? `HTTP ${status}`}). Check the OIDC client ID and secret.`,
      options,
    )
  }
  const reason = code === undefined ? `HTTP ${status}` : `HTTP ${status}, ${code}`
  return new OidcError("token_exchange_failed", `The identity provider's token endpoint refused the sign-in (${reason}).`, options)
}
