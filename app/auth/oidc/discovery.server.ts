// OpenID Provider discovery: where the issuer's metadata lives, and which metadata we accept
// (the issuer must be exactly the configured one, endpoints must be https unless allowed).

import { fetchJson, isRecord } from "./http.server.ts"
import { OidcError } from "./oidc-error.server.ts"

export interface ProviderMetadata {
  /** The issuer identifier exactly as the provider spells it; ID tokens' `iss` must equal it. */
  readonly issuer: string
  readonly authorizationEndpoint: URL
  readonly tokenEndpoint: URL
  readonly jwksUri: URL
  readonly userinfoEndpoint: URL | null
  /** `token_endpoint_auth_methods_supported`, or null when the provider does not say. */
  readonly tokenEndpointAuthMethods: readonly string[] | null
}

export interface IssuerSettings {
  readonly issuer: URL
  readonly allowInsecureIssuer?: boolean
}

/** Throws unless the configured issuer can be an OpenID issuer identifier (OIDC Discovery §2). */
export function checkIssuerUrl(settings: IssuerSettings): void {
  const { issuer } = settings
  if (issuer.protocol === "http:" && !settings.allowInsecureIssuer) {
    throw new OidcError("invalid_issuer", `The OIDC issuer ${issuer.href} uses http://; an identity provider must be reached over https://.`)
  }
  if (issuer.protocol !== "https:" && issuer.protocol !== "http:") {
    throw new OidcError("invalid_issuer", `The OIDC issuer must be an https:// URL, not ${issuer.protocol}.`)
  }
  if (issuer.search !== "" || issuer.hash !== "" || issuer.username !== "" || issuer.password !== "") {
    throw new OidcError("invalid_issuer", "The OIDC issuer must be a plain URL without query, fragment or credentials.")
  }
}

/** `<issuer>/.well-known/openid-configuration`, with exactly one slash before `.well-known`. */
export function discoveryUrl(issuer: URL): URL {
  const url = new URL(issuer.href)
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/.well-known/openid-configuration`
  return url
}

/**
 * The provider's issuer must equal the configured one exactly. The one allowance: a configured
 * URL with no path always prints with a trailing "/", so "https://idp" and "https://idp/" are the
 * same configuration and either spelling from the provider matches it.
 */
export function issuerMatches(configured: URL, claimed: string): boolean {
  if (claimed === configured.href) return true
  return configured.pathname === "/" && claimed === configured.origin
}

export async function discover(settings: IssuerSettings, timeoutMs: number): Promise<ProviderMetadata> {
  const url = discoveryUrl(settings.issuer)
  const response = await fetchJson(url, {}, { what: "the discovery document", code: "discovery_failed", timeoutMs })
  if (response.status !== 200 || !isRecord(response.body)) {
    const problem = response.status !== 200 ? `answered HTTP ${response.status}` : "is not a JSON object"
    throw new OidcError("discovery_failed", `The OIDC discovery document at ${url.href} ${problem}. Check the issuer URL.`)
  }
  const document = response.body
  if (typeof document.issuer !== "string" || !issuerMatches(settings.issuer, document.issuer)) {
    const named = typeof document.issuer === "string" ? `"${document.issuer.slice(0, 200)}"` : "no issuer"
    throw new OidcError(
      "invalid_issuer",
      `The discovery document at ${url.href} names ${named}, but the configured issuer is "${settings.issuer.href}". ` +
        "Set the issuer to exactly the value the provider publishes.",
    )
  }
  const endpoint = (field: string) => endpointUrl(document, field, settings)
  const methods = document.token_endpoint_auth_methods_supported
  return {
    issuer: document.issuer,
    authorizationEndpoint: required(endpoint("authorization_endpoint"), "authorization_endpoint"),
    tokenEndpoint: required(endpoint("token_endpoint"), "token_endpoint"),
    jwksUri: required(endpoint("jwks_uri"), "jwks_uri"),
    userinfoEndpoint: endpoint("userinfo_endpoint"),
    tokenEndpointAuthMethods: Array.isArray(methods) ? methods.filter((method) => typeof method === "string") : null,
  }
}

function endpointUrl(document: Record<string, unknown>, field: string, settings: IssuerSettings): URL | null {
  const value = document[field]
  if (value === undefined) return null
  const url = typeof value === "string" && URL.canParse(value) ? new URL(value) : null
  const secure = url?.protocol === "https:" || (url?.protocol === "http:" && settings.allowInsecureIssuer === true)
  if (url === null || !secure || url.hash !== "") {
    throw new OidcError("discovery_failed", `The OIDC discovery document's ${field} must be an https:// URL.`)
  }
  return url
}

function required(url: URL | null, field: string): URL {
  if (url === null) throw new OidcError("discovery_failed", `The OIDC discovery document has no ${field}.`)
  return url
}
