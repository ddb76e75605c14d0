// What the token broker answers a tool call that needs the triggering person's OAuth access token:
// the token (used server-side only, injected as a bearer header), or why there is none in words
// the agent can pass on. `retryable` says whether the same call may work later unchanged.

export type BearerFailureCode =
  /** No OAuth client is saved for the provider key in Settings → Integrations. */
  | "oauth_provider_not_configured"
  /** The person never connected an account for this provider (Settings → Connected apps). */
  | "oauth_not_connected"
  /** The provider refused the refresh token (revoked, expired, rotated elsewhere): the person must reconnect. */
  | "oauth_reconnect_needed"
  /** The connection lacks scopes the tool needs: reconnect to grant them. */
  | "oauth_missing_scopes"
  /** The token endpoint could not be reached or answered unusably: try again shortly. */
  | "oauth_refresh_failed"
  /** Another process held the refresh lock for too long and no fresh token appeared: try again shortly. */
  | "oauth_refresh_busy"
  /** The secret store could not be read (Vault unreachable): try again shortly. */
  | "secret_store_unavailable"

export type BearerOutcome =
  | { readonly ok: true; readonly token: string }
  | { readonly ok: false; readonly code: BearerFailureCode; readonly message: string; readonly retryable: boolean }

export interface BearerRequest {
  readonly workspaceId: string
  /** Whose account: the agent run's triggering person, or the viewer calling an appTool. */
  readonly userId: string
  readonly providerKey: string
  /** Scopes the tool's auth block declares; the connection must hold every one. */
  readonly requiredScopes: readonly string[]
}
