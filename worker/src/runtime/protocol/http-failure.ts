// How the runtimes' protocols judge a model provider's HTTP failure: which kind it is, and
// whether sending the same message again may work (timeouts, conflicts, rate limits, 5xx).

export function statusKind(status: number): string {
  if (status === 401 || status === 403) return "authentication_failed"
  if (status === 429) return "rate_limit"
  if (status === 529) return "overloaded"
  if (status >= 500) return "server_error"
  return "invalid_request"
}

export const isRetryableStatus = (status: number): boolean => status === 408 || status === 409 || status === 429 || status >= 500
