// What the domain says when it refuses: a code the boundary maps to a status (tRPC or HTTP) and a
// message written for the person who sent the request, saying what to fix.

import { brandedErrorClass } from "#shared/errors/branded-error.ts"

export type AppErrorCode = "BAD_REQUEST" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "PAYLOAD_TOO_LARGE" | "TOO_MANY_REQUESTS"

// NOTE: branded so `instanceof AppError` holds across bundle copies (see shared/errors/branded-error.ts).
export class AppError extends brandedErrorClass("AppError") {
  readonly code: AppErrorCode
  /** A machine-readable reason for refusals a page reacts to by itself ("agents_changed"); sent as the error's data.reasonCode. */
  readonly reasonCode: string | null

  constructor(code: AppErrorCode, message: string, reasonCode: string | null = null) {
    super(message)
    this.name = "AppError"
    this.code = code
    this.reasonCode = reasonCode
  }
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found.`)
