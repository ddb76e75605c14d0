// The whole API: every domain router mounted in one place. Browsers reach it through
// /api/trpc (routes/api.trpc.$.ts), loaders and tests through createCaller, scripts through
// createTRPCClient<AppRouter> with a type-only import of AppRouter.

import { createCallerFactory, createTRPCRouter } from "./init.server.ts"
import { healthProcedure } from "./routers/health.server.ts"

export const appRouter = createTRPCRouter({
  health: healthProcedure,
})

export type AppRouter = typeof appRouter

export const createCaller = createCallerFactory(appRouter)
