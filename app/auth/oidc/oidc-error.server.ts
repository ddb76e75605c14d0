// The one error the OIDC client throws: a code for the caller to branch on and a message that is
// safe to show or log (it never carries codes, tokens, verifiers or the client secret).

export type OidcErrorCode =
  | "discovery_failed"
  | "invalid_issuer"
  | "token_exchange_failed"
  | "invalid_id_token"
  | "userinfo_failed"

export class OidcError extends Error {
  readonly code: OidcErrorCode
  /** The OAuth `error` code the token endpoint answered with (e.g. "invalid_grant"), if any. */
  readonly oauthError: string | undefined

  constructor(code: OidcErrorCode, message: string, options: { readonly cause?: unknown; readonly oauthError?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = "OidcError"
    this.code = code
    this.oauthError = options.oauthError
  }
}
