// tRPC's one initialisation: the request context (with the viewer resolved once), the error shape
// every client sees, and the three base procedures. Every procedure declares its access in meta;
// routers never check identity or roles by hand.

import { initTRPC, TRPCError } from "@trpc/server"
import { z, ZodError } from "zod"
import { can, type Permission } from "#shared/auth/permissions.ts"
import { ID_PATTERN } from "#shared/ids.ts"
import { findViewerMembership } from "../api-tokens/viewer-membership.server.ts"
import { INVALID_API_TOKEN_MESSAGE } from "../api-tokens/api-token-text.ts"
import { getApiViewer, getViewer, INVALID_API_TOKEN, type Viewer } from "../auth/viewer.server.ts"
import { AppError } from "../errors.server.ts"
import { issuesMessage } from "./issue-messages.server.ts"
import type { WebServices } from "../services.server.ts"

/**
 * Whether a personal API token may call the procedure: workspace procedures allow tokens unless
 * "browser-only" (making tokens, changing roles: a leaked token must not widen itself); signed-in
 * procedures outside a workspace refuse them unless "allowed".
 */
export type ApiTokenUse = "allowed" | "browser-only"

export type ProcedureAccess = (
  | { readonly access: "public" }
  | { readonly access: "signed-in" }
  | { readonly access: "workspace"; readonly permission: Permission }
) & { readonly apiTokens?: ApiTokenUse }

export const BROWSER_ONLY_MESSAGE =
  "API tokens cannot do this: making tokens, changing roles and connecting accounts happen on the web page, signed in."
export const OUTSIDE_WORKSPACE_MESSAGE =
  "API tokens work inside their workspace; this call is not about one workspace: do it on the web page, signed in."

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

/**
 * Pages (createCaller) see the session cookie only; /api/trpc passes acceptApiTokens, so a
 * script's `Authorization: Bearer sec_…` is honoured there, and a bad one is a 401 at once.
 */
export async function createTRPCContext(options: { services: WebServices; request: Request; acceptApiTokens?: boolean }): Promise<TRPCContext> {
  const { services, request } = options
  if (!options.acceptApiTokens) return { services, request, viewer: await getViewer(request, services) }
  const viewer = await getApiViewer(request, services)
  if (viewer === INVALID_API_TOKEN) throw new TRPCError({ code: "UNAUTHORIZED", message: INVALID_API_TOKEN_MESSAGE })
  return { services, request, viewer }
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

export const protectedProcedure = base.meta({ access: "signed-in" }).use(({ ctx, meta, next }) => {
  if (!ctx.viewer) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." })
  if (ctx.viewer.apiToken) {
    if (meta?.apiTokens === "browser-only") throw new TRPCError({ code: "FORBIDDEN", message: BROWSER_ONLY_MESSAGE })
    if (meta?.access !== "workspace" && meta?.apiTokens !== "allowed") throw new TRPCError({ code: "FORBIDDEN", message: OUTSIDE_WORKSPACE_MESSAGE })
  }
  return next({ ctx: { viewer: ctx.viewer } })
})

/** A signed-in procedure outside any workspace that scripts may call with a token (harmless reads). */
export const tokenReadableProcedure = protectedProcedure.meta({ access: "signed-in", apiTokens: "allowed" })

export const idSchema = z.string().regex(ID_PATTERN, "must be an id (24 letters and digits)")

/**
 * A procedure inside one workspace: loads the caller's membership once and narrows ctx.scope.
 * `browserOnly`: refused to API tokens (403), for anything that makes tokens or changes roles.
 * A workspace the caller is not a member of does not exist for them (404); a role without the
 * permission is a 403.
 */
export const workspaceProcedure = (permission: Permission, options: { readonly browserOnly?: boolean } = {}) =>
  protectedProcedure
    .meta({ access: "workspace", permission, ...(options.browserOnly ? { apiTokens: "browser-only" as const } : {}) })
    .input(z.object({ workspaceId: idSchema }))
    .use(async ({ ctx, input, next }) => {
      // With a token: only its workspace, at the lower of its role and the owner's.
      const found = await findViewerMembership(ctx.services, ctx.viewer, input.workspaceId)
      if (!found) throw new TRPCError({ code: "NOT_FOUND", message: "Workspace not found." })
      if (!can(found.membership.role, permission)) {
        const whose = ctx.viewer.apiToken ? "This API token's role" : "Your role"
        throw new TRPCError({
          code: "FORBIDDEN",
          message: `${whose} (${found.membership.role}) does not allow this (${permission}); ask a workspace admin.`,
        })
      }
      return next({ ctx: { scope: { user: ctx.viewer.user, ...found } } })
    })
