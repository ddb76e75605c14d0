// How much of a conversation is loaded at once: the chat page shows an app's latest runs and asks
// for more on request, so a long conversation (every transcript with it) is never loaded whole.

/** Runs shown at first, added by each "show earlier", and the most one runs.list returns. */
export const RUNS_PAGE = { size: 30, max: 500 } as const

/** The `?show=` of a chat page URL, as a runs.list limit: a page's worth unless it asks for more. */
export function shownRuns(searchParams: URLSearchParams): number {
  const asked = Number(searchParams.get("show"))
  return Number.isInteger(asked) && asked > RUNS_PAGE.size ? Math.min(asked, RUNS_PAGE.max) : RUNS_PAGE.size
}
