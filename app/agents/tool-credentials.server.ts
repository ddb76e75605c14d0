// The credentials one live tool call is sent with, resolved server-side at the moment of the call:
// a static tool's secrets from this app's own grant (app/integrations/grants), an OAuth tool's
// bearer token for the person the call acts as (the token broker). What is not set up yet answers
// mock data with a reason that says what is missing; a person who must connect or reconnect, or a
// provider that cannot refresh right now, is a refusal the agent can pass on. No value crosses
// into a reason, a message or an audit record: only names of secrets, providers and scopes.

import type { CustomTool, OAuthAuth } from "#shared/agents/agents-config.ts"
import { secretsUsedBy } from "#shared/agents/placeholders.ts"
import { DEFAULT_KEY_SLUG, findGrant, type GrantKey } from "../integrations/grants/grant-documents.server.ts"
import { grantMismatch, staticSecretsFor } from "../integrations/grants/grant-credentials.server.ts"
import type { BearerFailureCode } from "../integrations/oauth/bearer-outcome.server.ts"
import { bearerTokenFor } from "../integrations/oauth/token-broker.server.ts"
import type { WebServices } from "../services.server.ts"
import type { AppDocument } from "../store/collections.server.ts"

export type ToolCredentials =
  | { readonly kind: "ready"; readonly secrets: Readonly<Record<string, string>>; readonly bearerToken: string | null }
  | { readonly kind: "mock"; readonly reason: string }
  | { readonly kind: "refused"; readonly status: 403 | 502; readonly code: string; readonly message: string; readonly retryable: boolean }

const keyOf = (app: AppDocument, tool: CustomTool): GrantKey => ({
  workspaceId: app.workspaceId,
  appId: app.id,
  domain: tool.integration.domain,
  keySlug: tool.integration.keySlug ?? DEFAULT_KEY_SLUG,
})

/** `identityUserId`: whose account an OAuth tool acts as (the run's triggering person, or the viewer). */
export async function credentialsFor(services: WebServices, app: AppDocument, tool: CustomTool, identityUserId: string): Promise<ToolCredentials> {
  const auth = tool.integration.auth ?? { type: "none" as const }
  switch (auth.type) {
    case "none":
      return { kind: "ready", secrets: {}, bearerToken: null }
    case "static": {
      const found = await staticSecretsFor(services, keyOf(app, tool), secretsUsedBy(tool))
      if (found.kind === "ready") return { kind: "ready", secrets: found.secrets, bearerToken: null }
      if (found.kind === "not_set_up") return { kind: "mock", reason: found.reason }
      return { kind: "refused", status: 502, code: "secret_store_unavailable", message: found.message, retryable: found.retryable }
    }
    case "oauth2":
      return oauthCredentials(services, app, tool, auth, identityUserId)
  }
}

async function oauthCredentials(services: WebServices, app: AppDocument, tool: CustomTool, auth: OAuthAuth, userId: string): Promise<ToolCredentials> {
  // The person's connection is workspace-wide; the app's key only has to agree on the auth type
  // when the builder presented one (a key set up for static secrets is not an OAuth key).
  const key = keyOf(app, tool)
  const grant = await findGrant(services.store, key)
  if (grant && grant.authType !== "oauth2") return { kind: "mock", reason: grantMismatch(grant, key, "oauth2")! }
  const outcome = await bearerTokenFor(services, { workspaceId: app.workspaceId, userId, providerKey: auth.providerKey, requiredScopes: auth.scopes })
  if (outcome.ok) return { kind: "ready", secrets: {}, bearerToken: outcome.token }
  return oauthFailure(auth.providerKey, outcome.code)
}

/** The broker's failure in words for the agent (the broker's own text is written for the person, as "you"). */
function oauthFailure(providerKey: string, code: BearerFailureCode): ToolCredentials {
  const refuse = (status: 403 | 502, message: string, canRetry: boolean): ToolCredentials => ({ kind: "refused", status, code, message, retryable: canRetry })
  switch (code) {
    case "oauth_provider_not_configured":
      return { kind: "mock", reason: `Integration ${providerKey} is not set up yet in Settings → Integrations (no OAuth client saved for it); using mock data` }
    case "oauth_not_connected":
      return refuse(403, `The person this runs as has not connected ${providerKey}: they must connect ${providerKey} in Settings → Connected apps, then try again.`, false)
    case "oauth_reconnect_needed":
      return refuse(403, `The ${providerKey} connection of the person this runs as stopped working: they must reconnect ${providerKey} in Settings → Connected apps, then try again.`, false)
    case "oauth_missing_scopes":
      return refuse(403, `The ${providerKey} connection of the person this runs as lacks permissions this tool needs: they must reconnect ${providerKey} in Settings → Connected apps to grant them, then try again.`, false)
    case "oauth_refresh_failed":
    case "oauth_refresh_busy":
    case "secret_store_unavailable":
      // Each of these is the provider's or the store's momentary state, whatever the broker thought.
      return refuse(502, `The ${providerKey} access token could not be read or refreshed just now.`, true)
  }
}
