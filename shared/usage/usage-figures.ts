// Usage figures as the usage report computes them and the usage pages show them: shared so the
// browser's table and the server's report name one shape (the browser never imports server code).

export interface UsageFigures {
  readonly runs: number
  readonly inputTokens: number
  readonly outputTokens: number
  readonly cachedInputTokens: number
  readonly costUsd: number
  /** Some of the cost is the price table's estimate, or unknown (counted as 0). */
  readonly estimated: boolean
}

/** One group's figures (a day, an app, a person, a runtime): its key and what the table calls it. */
export interface UsageRow extends UsageFigures {
  readonly key: string
  readonly label: string
}
