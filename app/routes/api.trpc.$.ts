// tRPC over HTTP for browsers and scripts, as a Remix resource route at /api/trpc/*.

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node"
import { fetchRequestHandler } from "@trpc/server/adapters/fetch"
import { createTRPCContext } from "../trpc/init.server.ts"
import { appRouter } from "../trpc/root.server.ts"

function handle({ request, context }: LoaderFunctionArgs | ActionFunctionArgs) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    // One request may carry a few calls, not thousands.
    maxBatchSize: 16,
    createContext: () => createTRPCContext({ services: context.services, request, acceptApiTokens: true }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") context.services.log.error("tRPC procedure failed", { path, error })
    },
  })
}

export const loader = handle
export const action = handle
