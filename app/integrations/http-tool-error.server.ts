// The ways an agent's HTTP tool call can fail before or instead of a provider's answer. Each
// message says what happened and what to fix, and never carries an input value, a secret or a
// token: it goes to the agent, the run stream and the audit log as it is.

export const HTTP_TOOL_ERROR_CODES = [
  "invalid_input",
  "secret_missing",
  "header_injection",
  "egress_refused",
  "redirect_refused",
  "timeout",
  "too_large",
  "network",
  "tls",
  "cancelled",
] as const
export type HttpToolErrorCode = (typeof HTTP_TOOL_ERROR_CODES)[number]

export class HttpToolError extends Error {
  readonly code: HttpToolErrorCode
  /** True when the same call may succeed later (a timeout, a network failure). */
  readonly retryable: boolean

  constructor(code: HttpToolErrorCode, message: string, options: { retryable?: boolean } = {}) {
    super(message)
    this.name = "HttpToolError"
    this.code = code
    this.retryable = options.retryable ?? false
  }
}
