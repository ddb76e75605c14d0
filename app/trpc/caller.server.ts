// How pages use the API: loaders and actions call procedures through createCaller with the same
// context as HTTP callers, so they get the same authorization. Refusals become what a page needs:
// signed out → redirect to sign-in; 403/404 → the error page; from a form → a message to show.

import { data, redirect, type AppLoadContext } from "@remix-run/node"
import { TRPCError } from "@trpc/server"
import { getHTTPStatusCodeFromError } from "@trpc/server/http"
import { ZodError } from "zod"
import { createTRPCContext, INTERNAL_ERROR_MESSAGE } from "./init.server.ts"
import { AppError } from "../errors.server.ts"
import { issuesMessage } from "./issue-messages.server.ts"
import { createCaller } from "./root.server.ts"

type Caller = ReturnType<typeof createCaller>

export interface PageArgs {
  readonly request: Request
  readonly context: AppLoadContext
}

export async function callerFor({ request, context }: PageArgs, options: { readonly acceptApiTokens?: boolean } = {}): Promise<Caller> {
  return createCaller(await createTRPCContext({ services: context.services, request, ...options }))
}

/** Where a signed-out person goes to sign in, coming back here afterwards. */
export function signInPath({ request, context }: PageArgs): string {
  const url = new URL(request.url)
  const page = context.services.config.authMode === "none" ? "/onboarding" : "/sign-in"
  return `${page}?returnTo=${encodeURIComponent(url.pathname + url.search)}`
}

/**
 * For loaders: the data, or a thrown redirect/response the error boundary renders. API resource
 * routes (downloads under /api/w/…) pass acceptApiTokens: a script's bad token is then a 401.
 */
export async function load<T>(args: PageArgs, call: (caller: Caller) => Promise<T>, options: { readonly acceptApiTokens?: boolean } = {}): Promise<T> {
  try {
    return await call(await callerFor(args, options))
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error
    if (error.code === "UNAUTHORIZED" && options.acceptApiTokens && args.request.headers.has("authorization")) {
      throw new Response(error.message, { status: 401, headers: { "content-type": "text/plain; charset=utf-8" } })
    }
    if (error.code === "UNAUTHORIZED") throw redirect(signInPath(args))
    throw new Response(publicMessage(error), { status: getHTTPStatusCodeFromError(error), statusText: error.code })
  }
}

/** One field's problem, as init.server.ts's error formatter sends it: "clientId", "authorizationParams.prompt". */
export interface FieldIssue {
  readonly path: string
  readonly message: string
}

export type ActionResult<T> =
  | { readonly ok: true; readonly data: T; readonly intent: string }
  | {
      readonly ok: false
      readonly message: string
      readonly intent: string
      readonly status: number
      /** Invalid input: each problem with the field it is about, so a form can show it there. */
      readonly issues?: readonly FieldIssue[] | null
      /** A domain refusal's machine-readable reason (AppError.reasonCode), e.g. "provider_exists". */
      readonly reasonCode?: string | null
    }

/**
 * For actions: runs the call and returns its result, or the refusal as a message for the form
 * with the status that says what kind of refusal it was. Only a signed-out caller is redirected.
 */
export async function act<T>(args: PageArgs, intent: string, call: (caller: Caller) => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await call(await callerFor(args)), intent }
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error
    if (error.code === "UNAUTHORIZED") throw redirect(signInPath(args))
    return {
      ok: false,
      message: publicMessage(error),
      intent,
      status: getHTTPStatusCodeFromError(error),
      issues: fieldIssues(error),
      reasonCode: error.cause instanceof AppError ? error.cause.reasonCode : null,
    }
  }
}

/** Answers an action with its result, under a 4xx status when it was refused. */
export const reply = <T,>(result: ActionResult<T>) => data(result, { status: result.ok ? 200 : result.status })

/** What a person may read of a refusal: the domain's message, or field problems, never internals. */
function publicMessage(error: TRPCError): string {
  if (error.cause instanceof ZodError) {
    return issuesMessage(error.cause.issues)
  }
  return error.code === "INTERNAL_SERVER_ERROR" ? INTERNAL_ERROR_MESSAGE : error.message
}

/** Field problems of invalid input, shaped as init.server.ts's error formatter sends them to API callers. */
function fieldIssues(error: TRPCError): FieldIssue[] | null {
  if (!(error.cause instanceof ZodError)) return null
  return error.cause.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }))
}

/** A string field from a submitted form ("" when absent). */
export const field = (form: FormData, name: string) => String(form.get(name) ?? "")
