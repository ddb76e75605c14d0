// Requests to a customer-owned OAuth client's token and revocation endpoints (RFC 6749 §4.1.3 and
// §6, RFC 7009), sent through the egress guard like every agent tool call: the host is resolved
// once, every address checked, the connection pinned to the checked one, no redirects, a deadline
// and a size cap. arctic builds the authorization URL and reads the answer (OAuth2Tokens), but
// its own requests use global fetch, which would skip the guard (and the tests' CA), so the
// request is built here.

import { OAuth2Tokens } from "arctic"
import { checkEgressTarget, type EgressPolicy } from "../egress-policy.server.ts"
import { HttpToolError } from "../http-tool-error.server.ts"
import { abortError, pinnedHttpsRequest } from "../pinned-https.server.ts"
import type { TokenAuthMethod } from "../integration-collections.server.ts"

export const TOKEN_REQUEST_DEADLINE_MS = 15_000
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024

export interface OAuthClientCredentials {
  readonly clientId: string
  /** null for tokenAuthMethod "none" (a public client that proves itself with PKCE). */
  readonly clientSecret: string | null
  readonly tokenAuthMethod: TokenAuthMethod
}

export type TokenGrant =
  | { readonly grantType: "authorization_code"; readonly code: string; readonly redirectUri: string; readonly codeVerifier: string }
  | { readonly grantType: "refresh_token"; readonly refreshToken: string }

/**
 * Why a token request failed, as a code and a message safe for logs, errors and the agent: the
 * provider's `error` code is quoted only when it is a plain token, never its error_description
 * (free text that may echo the request).
 */
export class TokenEndpointError extends Error {
  readonly code: "invalid_grant" | "invalid_client" | "refused" | "unreachable" | "unusable_answer" | "egress_refused"
  readonly retryable: boolean
  /** For code invalid_client: which RFC 6749 §5.2 error the provider gave (a fixed set, safe to store and show). */
  readonly clientRefusal: ClientRefusalCode | null

  constructor(code: TokenEndpointError["code"], message: string, retryable: boolean, clientRefusal: ClientRefusalCode | null = null) {
    super(message)
    this.name = "TokenEndpointError"
    this.code = code
    this.retryable = retryable
    this.clientRefusal = clientRefusal
  }
}

/**
 * The provider refused the OAuth client itself rather than the grant: wrong client ID or secret,
 * the secret sent the way the provider does not expect (token auth method), or a client not
 * allowed this grant type. Only an admin can fix these.
 */
export const CLIENT_REFUSAL_CODES = ["invalid_client", "unauthorized_client"] as const
export type ClientRefusalCode = (typeof CLIENT_REFUSAL_CODES)[number]

/** RFC 6749 §2.3.1: id and secret are form-encoded before Basic encoding. */
export function basicCredentials(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, "+")
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString("base64")}`
}

function formWithClientAuth(form: URLSearchParams, client: OAuthClientCredentials): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    accept: "application/json",
    "accept-encoding": "identity",
  }
  if (client.tokenAuthMethod === "client_secret_basic" && client.clientSecret !== null) {
    headers.authorization = basicCredentials(client.clientId, client.clientSecret)
  } else {
    form.set("client_id", client.clientId)
    if (client.tokenAuthMethod === "client_secret_post" && client.clientSecret !== null) form.set("client_secret", client.clientSecret)
  }
  return headers
}

export interface RawAnswer {
  readonly status: number
  readonly json: Record<string, unknown> | null
}

async function postForm(url: URL, form: URLSearchParams, headers: Record<string, string>, policy: EgressPolicy, what: string): Promise<RawAnswer> {
  const signal = AbortSignal.timeout(TOKEN_REQUEST_DEADLINE_MS)
  try {
    // The token URL's own host is the only domain this request may reach.
    const target = await checkEgressTarget(url, url.hostname, policy, signal)
    const response = await pinnedHttpsRequest(
      { method: "POST", url, headers, body: form.toString() },
      { target, ca: policy.ca, maxResponseBytes: MAX_TOKEN_RESPONSE_BYTES, signal },
    )
    let json: Record<string, unknown> | null = null
    try {
      const parsed: unknown = JSON.parse(response.body.toString("utf8"))
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) json = parsed as Record<string, unknown>
    } catch {
      json = null
    }
    return { status: response.status, json }
  } catch (error) {
    const failure = error instanceof HttpToolError ? error : signal.aborted ? abortError(signal, url.hostname) : null
    if (failure === null) throw error
    if (failure.code === "egress_refused" || failure.code === "tls" || failure.code === "redirect_refused") {
      throw new TokenEndpointError("egress_refused", `${what} could not be called: ${failure.message}`, false)
    }
    throw new TokenEndpointError("unreachable", `${what} could not be reached (${failure.code}); try again shortly`, true)
  }
}

const PLAIN_CODE = /^[a-z0-9_.-]{1,64}$/i

/** A token endpoint's non-200 answer as a TokenEndpointError (exported for its unit test). */
export function refusal(answer: RawAnswer, what: string): TokenEndpointError {
  const raw = answer.json?.["error"]
  const code = typeof raw === "string" && PLAIN_CODE.test(raw) ? raw : null
  if (code === "invalid_grant") return new TokenEndpointError("invalid_grant", `${what} refused the grant (invalid_grant): it was revoked, expired or already used`, false)
  if (code === "invalid_client" || code === "unauthorized_client" || answer.status === 401) {
    // A provider that answers 401 with another (or no) error code is refusing the client too.
    const clientRefusal: ClientRefusalCode = code === "unauthorized_client" ? "unauthorized_client" : "invalid_client"
    return new TokenEndpointError(
      "invalid_client",
      `${what} did not accept the OAuth client (${code ?? `HTTP ${answer.status}`}); an admin should check its client ID, client secret and token auth method in Settings → Integrations`,
      false,
      clientRefusal,
    )
  }
  if (answer.status >= 500 || answer.status === 429) {
    return new TokenEndpointError("unreachable", `${what} answered HTTP ${answer.status}; try again shortly`, true)
  }
  return new TokenEndpointError("refused", `${what} refused the request (HTTP ${answer.status}${code ? `, ${code}` : ""})`, false)
}

/** Exchanges a code or a refresh token; the answer is read with arctic's OAuth2Tokens. */
export async function requestTokens(tokenUrl: string, client: OAuthClientCredentials, grant: TokenGrant, policy: EgressPolicy): Promise<OAuth2Tokens> {
  const what = "The provider's token endpoint"
  const form =
    grant.grantType === "authorization_code"
      ? new URLSearchParams({ grant_type: "authorization_code", code: grant.code, redirect_uri: grant.redirectUri, code_verifier: grant.codeVerifier })
      : new URLSearchParams({ grant_type: "refresh_token", refresh_token: grant.refreshToken })
  const headers = formWithClientAuth(form, client)
  const answer = await postForm(new URL(tokenUrl), form, headers, policy, what)
  if (answer.status !== 200) throw refusal(answer, what)
  if (answer.json === null || typeof answer.json["access_token"] !== "string" || answer.json["access_token"] === "") {
    throw new TokenEndpointError("unusable_answer", `${what} answered without an access token`, true)
  }
  return new OAuth2Tokens(answer.json)
}

/** RFC 7009 revocation; best effort, so it reports rather than throws. */
export async function revokeToken(revocationUrl: string, client: OAuthClientCredentials, token: string, hint: "refresh_token" | "access_token", policy: EgressPolicy): Promise<boolean> {
  const form = new URLSearchParams({ token, token_type_hint: hint })
  const headers = formWithClientAuth(form, client)
  try {
    const answer = await postForm(new URL(revocationUrl), form, headers, policy, "The provider's revocation endpoint")
    return answer.status === 200
  } catch (error) {
    if (error instanceof TokenEndpointError) return false
    throw error
  }
}

/** Seconds the access token lives, when the provider said (expires_in is optional in RFC 6749). */
export function expiresInSeconds(tokens: OAuth2Tokens): number | null {
  const value = (tokens.data as Record<string, unknown>)["expires_in"]
  if (typeof value === "number" && Number.isFinite(value) && value > 0) return value
  // Some providers send it as a string.
  if (typeof value === "string" && /^\d{1,10}$/.test(value)) return Number(value)
  return null
}

/** The granted scopes when the answer lists them (space-separated), else null (= those requested, RFC 6749 §5.1). */
export function grantedScopesOf(tokens: OAuth2Tokens): string[] | null {
  if (!tokens.hasScopes()) return null
  return tokens.scopes().filter((scope) => scope !== "")
}
