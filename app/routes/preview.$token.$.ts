// GET /preview/<token>/<path>: one version of an app, built, for the sandboxed preview iframe. The
// token is the whole authorization (app/apps/preview-token.server.ts); the session is never read.

import type { LoaderFunctionArgs } from "@remix-run/node"
import { servePreview } from "../apps/preview-serving.server.ts"
import { onlyMethod } from "../server/method-not-allowed.server.ts"

export const loader = ({ request, params, context }: LoaderFunctionArgs) => servePreview(context.services, request, params["token"] ?? "")

export const action = onlyMethod("GET")
