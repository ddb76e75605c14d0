// Turns failures that escape a route into the worker's JSON error shape, so callers always get a
// typed status and a message, and never a stack trace or an empty body.

import { Effect, type Schema } from "effect"
import { HttpRouter, type HttpServerError } from "effect/http"
import { errorResponse } from "./errorResponse.ts"

const fromServerError = (error: HttpServerError.HttpServerError) => {
  switch (error.reason._tag) {
    case "RouteNotFound":
      return errorResponse(404, "not_found", "No such route.")
    case "RequestParseError":
      return errorResponse(400, "bad_request", "The request body could not be read; send JSON.")
    default:
      return errorResponse(500, "internal", "The worker failed to handle this request.")
  }
}

export const ErrorResponses = HttpRouter.middleware<{
  handles: HttpServerError.HttpServerError | Schema.SchemaError
}>()(
  (httpEffect) =>
    httpEffect.pipe(
      Effect.catchTags({
        HttpServerError: (error) => Effect.succeed(fromServerError(error)),
        SchemaError: (error) => Effect.succeed(errorResponse(400, "invalid_request", error.message)),
      }),
    ),
  { global: true },
)
