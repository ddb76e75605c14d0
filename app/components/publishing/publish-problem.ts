// A refused publishing call as the browser's tRPC client sees it: the server's message, its
// machine-readable reason (review_pending, integrations_setup_required, nothing_to_publish,
// review_stale) and, for invalid input, each problem with the field it is about.

import { TRPCClientError } from "@trpc/client"
import { apiProblem } from "../../trpc/client.ts"
import type { FieldProblem } from "../integrations/field-problems.ts"

export interface PublishProblem {
  readonly ok: false
  readonly message: string
  readonly reasonCode: string | null
  readonly issues: readonly FieldProblem[]
}

const isFieldProblem = (value: unknown): value is FieldProblem =>
  typeof value === "object" && value !== null && typeof (value as FieldProblem).path === "string" && typeof (value as FieldProblem).message === "string"

export function publishProblem(error: unknown): PublishProblem {
  const { message } = apiProblem(error)
  const data: unknown = error instanceof TRPCClientError ? error.data : null
  const record = typeof data === "object" && data !== null ? (data as { reasonCode?: unknown; issues?: unknown }) : {}
  return {
    ok: false,
    message,
    reasonCode: typeof record.reasonCode === "string" ? record.reasonCode : null,
    issues: Array.isArray(record.issues) ? record.issues.filter(isFieldProblem) : [],
  }
}
