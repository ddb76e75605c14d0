// tRPC's one initialisation: the request context, the error shape every client sees, and the base
// procedures. Later issues add protectedProcedure and workspaceProcedure(permission) here, so no
// router ever checks identity or roles by hand.

import { initTRPC } from "@trpc/server"
import { ZodError } from "zod"
import type { WebServices } from "../services.server.ts"

export interface TRPCContext {
  readonly services: WebServices
  readonly request: Request
}

export const createTRPCContext = (options: TRPCContext): TRPCContext => options

const t = initTRPC.context<TRPCContext>().create({
  errorFormatter({ shape, error }) {
    const { stack: _stack, ...data } = shape.data
    return {
      ...shape,
      // Stack traces never leave the server; invalid input says which field and why.
      data: {
        ...data,
        issues:
          error.cause instanceof ZodError
            ? error.cause.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }))
            : null,
      },
    }
  },
})

export const createTRPCRouter = t.router
export const createCallerFactory = t.createCallerFactory
export const publicProcedure = t.procedure
