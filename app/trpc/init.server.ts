// tRPC's one initialisation: the request context (with the viewer resolved once), the error shape
// every client sees, and the three base procedures. Every procedure declares its access in meta;
// routers never check identity or roles by hand.

import { initTRPC, TRPCError } from "@trpc/server"
import { z, ZodError } from "zod"
import { can, type Permission } from "#shared/auth/permissions.ts"
import { ID_PATTERN } from "#shared/ids.ts"
import { getViewer, type Viewer } from "../auth/viewer.server.ts"
import { AppError } from "../errors.server.ts"
import { issuesMessage } from "./issue-messages.server.ts"
import type { WebServices } from "../services.server.ts"
import { findWorkspaceMembership } from "../workspaces/workspaces.server.ts"

export type ProcedureAccess =
  | { readonly access: "public" }
  | { readonly access: "signed-in" }
  | { readonly access: "workspace"; readonly permission: Permission }

export const INTERNAL_ERROR_MESSAGE = "The server could not handle this request; the error was logged."
export const UNREADABLE_INPUT_MESSAGE = "Invalid JSON input: send the procedure's input as JSON (the request body, or ?input= for a query)."

/**
 * A refusal raised while reading the request (JSON.parse, a form parser) rather than by our code:
 * its message quotes the input and the parser's internals, so it is never shown.
 */
const isUnreadableInput = (error: TRPCError) =>
  (error.code === "BAD_REQUEST" || error.code === "PARSE_ERROR") &&
  error.cause instanceof Error &&
  !(error.cause instanceof ZodError) &&
  !(error.cause instanceof TRPCError) &&
  !(error.cause instanceof AppError)

export interface TRPCContext {
  readonly services: WebServices
  readonly request: Request
  readonly viewer: Viewer | null
}

export async function createTRPCContext(options: { services: WebServices; request: Request }): Promise<TRPCContext> {
  return { ...options, viewer: await getViewer(options.request, options.services) }
}

const t = initTRPC
  .context<TRPCContext>()
  .meta<ProcedureAccess>()
  .create({
    errorFormatter({ shape, error }) {
      const { stack: _stack, ...data } = shape.data
      const issues =
        error.cause instanceof ZodError
          ? error.cause.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }))
          : null
      return {
        ...shape,
        // Stack traces and internal error text never leave the server (the log has them);
        // invalid input says which field and why, in words.
        message: issues
          ? issuesMessage((error.cause as ZodError).issues)
          : error.code === "INTERNAL_SERVER_ERROR"
            ? INTERNAL_ERROR_MESSAGE
            : isUnreadableInput(error)
              ? UNREADABLE_INPUT_MESSAGE
              : shape.message,
        data: { ...data, issues, ...(error.cause instanceof AppError && error.cause.reasonCode ? { reasonCode: error.cause.reasonCode } : {}) },
      }
    },
  })

export const createTRPCRouter = t.router
export const createCallerFactory = t.createCallerFactory

/** Domain refusals (AppError) become typed tRPC errors here, at the boundary, and nowhere else. */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next()
  if (!result.ok && result.error.cause instanceof AppError) {
    throw new TRPCError({ code: result.error.cause.code, message: result.error.cause.message, cause: result.error.cause })
  }
  return result
})

const base = t.procedure.use(appErrors)

export const publicProcedure = base.meta({ access: "public" })

export const protectedProcedure = base.meta({ access: "signed-in" }).use(({ ctx, next }) => {
  if (!ctx.viewer) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." })
  return next({ ctx: { viewer: ctx.viewer } })
})

export const idSchema = z.string().regex(ID_PATTERN, "must be an id (24 letters and digits)")

/**
 * A procedure inside one workspace: loads the caller's membership once and narrows ctx.scope.
 * A workspace the caller is not a member of does not exist for them (404); a role without the
 * permission is a 403.
 */
export const workspaceProcedure = (permission: Permission) =>
  protectedProcedure
    .meta({ access: "workspace", permission })
    .input(z.object({ workspaceId: idSchema }))
    .use(async ({ ctx, input, next }) => {
      const found = await findWorkspaceMembership(ctx.services, input.workspaceId, ctx.viewer.user.id)
      if (!found) throw new TRPCError({ code: "NOT_FOUND", message: "Workspace not found." })
      if (!can(found.membership.role, permission)) {
        throw new TRPCError({
          code: "FORBIDDEN",
          message: `Your role (${found.membership.role}) does not allow this (${permission}); ask a workspace admin.`,
        })
      }
      return next({ ctx: { scope: { user: ctx.viewer.user, ...found } } })
    })
