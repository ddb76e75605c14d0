// The one error shape of the worker's HTTP API: { error: { code, message } } with a 4xx/5xx status.

import { HttpServerResponse } from "effect/http"

export const errorResponse = (status: number, code: string, message: string) =>
  HttpServerResponse.jsonUnsafe({ error: { code, message } }, { status })
