// Connect, first half: a member asks to connect their account at a provider. The attempt (PKCE
// verifier, scopes, where to return) waits in live coordination under a hash of its state for ten
// minutes, bound to the person, the workspace and a hash of the browser session that started it;
// the callback takes it exactly once.

import { CodeChallengeMethod, generateCodeVerifier, generateState, OAuth2Client } from "arctic"
import { z } from "zod"
import { hashToken } from "#shared/crypto/token-hash.ts"
import { ID_PATTERN } from "#shared/ids.ts"
import type { Viewer } from "../../auth/viewer.server.ts"
import { safeReturnTo } from "../../auth/sign-in-response.server.ts"
import { AppError } from "../../errors.server.ts"
import type { WebServices } from "../../services.server.ts"
import type { WorkspaceScope } from "../../workspaces/scope.server.ts"
import { providerNeeds, visibleAppFilter } from "./needed-providers.server.ts"
import { findProvider, oauthRedirectUri } from "./oauth-providers.server.ts"

export const CONNECT_ATTEMPT_TTL_MS = 10 * 60 * 1000

export const attemptKey = (state: string) => `oauth:attempt:${hashToken(state)}`

/** What waits in live coordination between start and callback; decoded, not trusted, when read back. */
export const connectAttemptSchema = z.object({
  workspaceId: z.string().regex(ID_PATTERN),
  userId: z.string().regex(ID_PATTERN),
  providerKey: z.string(),
  providerId: z.string(),
  /** SHA-256 of the browser session's id: the callback must come with the same session. */
  sessionHash: z.string(),
  codeVerifier: z.string(),
  requestedScopes: z.array(z.string()),
  returnTo: z.string(),
})
export type ConnectAttempt = z.infer<typeof connectAttemptSchema>

export const defaultReturnTo = (workspaceId: string) => `/w/${workspaceId}/settings/connected-apps`

/**
 * Only a path on this site under the workspace's own pages: anything else (another origin, a
 * path that normalises elsewhere, another workspace) is refused rather than silently replaced,
 * so a crafted Connect link fails visibly.
 */
export function checkReturnTo(workspaceId: string, returnTo: string | undefined): string {
  if (returnTo === undefined || returnTo === "") return defaultReturnTo(workspaceId)
  const safe = safeReturnTo(returnTo)
  if (safe !== returnTo || !safe.startsWith(`/w/${workspaceId}/`)) {
    throw new AppError("BAD_REQUEST", `returnTo must be a path on this site under /w/${workspaceId}/ (such as ${defaultReturnTo(workspaceId)}).`)
  }
  return safe
}

export interface StartOptions {
  /** Tests only: a shorter life for the attempt. */
  readonly ttlMs?: number
}

export async function startConnection(
  services: WebServices,
  scope: WorkspaceScope,
  viewer: Viewer,
  input: { readonly providerKey: string; readonly returnTo?: string | undefined },
  options: StartOptions = {},
): Promise<{ authorizationUrl: string }> {
  const workspaceId = scope.workspace.id
  if (!services.config.oauthEnabled) throw new AppError("BAD_REQUEST", "OAuth integrations are turned off on this server (SECOND_OAUTH_DISABLED).", "oauth_disabled")
  const returnTo = checkReturnTo(workspaceId, input.returnTo)
  const provider = await findProvider(services, workspaceId, input.providerKey)
  if (!provider) {
    throw new AppError("BAD_REQUEST", `No OAuth client is saved for ${input.providerKey}; ask a workspace admin to add it in Settings → Integrations.`, "oauth_provider_not_configured")
  }
  if (services.secrets.kind === "unconfigured") {
    throw new AppError("BAD_REQUEST", "This server has no secret store to keep your tokens in; ask the operator to set SECOND_TOKEN_ENCRYPTION_KEY or WORKOS_API_KEY.", "secret_store_unconfigured")
  }
  // Only what the apps this person can see need: a private app's grant (someone else's draft) must
  // neither widen their consent nor, with a bad scope, block their connection.
  const requestedScopes = (await providerNeeds(services, workspaceId, await visibleAppFilter(services, scope))).get(provider.providerKey)?.scopes ?? []
  const state = generateState()
  const codeVerifier = generateCodeVerifier()
  const client = new OAuth2Client(provider.clientId, null, oauthRedirectUri(services))
  const url = client.createAuthorizationURLWithPKCE(provider.authorizationUrl, state, CodeChallengeMethod.S256, codeVerifier, requestedScopes)
  // The provider's own extras (access_type=offline, prompt=consent…); the flow's parameters were
  // refused as names when the client was saved.
  for (const [name, value] of Object.entries(provider.authorizationParams)) url.searchParams.set(name, value)
  // connections.start is browser-only: the callback checks it returns to this same session.
  if (!viewer.session) throw new AppError("FORBIDDEN", "Connect accounts on the web page, signed in: API tokens cannot.")
  const attempt: ConnectAttempt = {
    workspaceId,
    userId: scope.user.id,
    providerKey: provider.providerKey,
    providerId: provider.id,
    sessionHash: hashToken(viewer.session.id),
    codeVerifier,
    requestedScopes,
    returnTo,
  }
  await services.live.setKey(attemptKey(state), JSON.stringify(attempt), { ttlMs: options.ttlMs ?? CONNECT_ATTEMPT_TTL_MS })
  return { authorizationUrl: url.href }
}
