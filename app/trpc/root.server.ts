// The whole API: every domain router mounted in one place. Browsers reach it through
// /api/trpc (routes/api.trpc.$.ts), loaders and tests through createCaller, scripts through
// createTRPCClient<AppRouter> with a type-only import of AppRouter.

import { createCallerFactory, createTRPCRouter } from "./init.server.ts"
import { apiTokensRouter } from "./routers/api-tokens.server.ts"
import { agentRunsRouter } from "./routers/agent-runs.server.ts"
import { agentsRouter } from "./routers/agents.server.ts"
import { appDataRouter } from "./routers/app-data.server.ts"
import { appToolsRouter } from "./routers/app-tools.server.ts"
import { appsRouter } from "./routers/apps.server.ts"
import { auditRouter } from "./routers/audit.server.ts"
import { authRouter } from "./routers/auth.server.ts"
import { connectionsRouter } from "./routers/connections.server.ts"
import { healthProcedure } from "./routers/health.server.ts"
import { integrationKeysRouter } from "./routers/integration-keys.server.ts"
import { invitationsRouter } from "./routers/invitations.server.ts"
import { membersRouter } from "./routers/members.server.ts"
import { oauthProvidersRouter } from "./routers/oauth-providers.server.ts"
import { publishedAppsRouter } from "./routers/published-apps.server.ts"
import { publishingRouter } from "./routers/publishing.server.ts"
import { reviewsRouter } from "./routers/reviews.server.ts"
import { runsRouter } from "./routers/runs.server.ts"
import { teamsRouter } from "./routers/teams.server.ts"
import { usageRouter } from "./routers/usage.server.ts"
import { versionsRouter } from "./routers/versions.server.ts"
import { workspacesRouter } from "./routers/workspaces.server.ts"

export const appRouter = createTRPCRouter({
  health: healthProcedure,
  auth: authRouter,
  workspaces: workspacesRouter,
  members: membersRouter,
  invitations: invitationsRouter,
  teams: teamsRouter,
  audit: auditRouter,
  apps: appsRouter,
  appData: appDataRouter,
  appTools: appToolsRouter,
  runs: runsRouter,
  agentRuns: agentRunsRouter,
  agents: agentsRouter,
  versions: versionsRouter,
  oauthProviders: oauthProvidersRouter,
  connections: connectionsRouter,
  integrationKeys: integrationKeysRouter,
  publishing: publishingRouter,
  publishedApps: publishedAppsRouter,
  reviews: reviewsRouter,
  usage: usageRouter,
  apiTokens: apiTokensRouter,
})

export type AppRouter = typeof appRouter

export const createCaller = createCallerFactory(appRouter)
