// How a validation problem reads to a person or a script: one sentence per problem. Our schemas'
// messages already name their field in words ("display name must not be empty"); zod's own do not
// ("Invalid input: expected string"), so those get the field's key in front ("workspaceId: …").

export interface Issue {
  readonly path: readonly PropertyKey[]
  readonly message: string
  /** A custom issue's params (zod's `params`); see LABELLED. */
  readonly params?: unknown
}

/**
 * Params for a custom issue whose message names its field by the label a form shows ("Extra
 * authorization parameters: …") rather than by its key: it is shown as it is, without the key.
 */
export const LABELLED = { labelled: true } as const

const isLabelled = (issue: Issue) => typeof issue.params === "object" && issue.params !== null && (issue.params as { labelled?: unknown }).labelled === true

/** "displayName" → "display name", as our messages spell fields. */
const inWords = (key: string) => key.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()

export function issueMessage(issue: Issue): string {
  const path = issue.path.map(String).join(".")
  const last = issue.path.at(-1)
  if (path === "" || isLabelled(issue) || (typeof last === "string" && issue.message.toLowerCase().startsWith(inWords(last)))) return issue.message
  return `${path}: ${issue.message}`
}

export const issuesMessage = (issues: readonly Issue[]) => issues.map(issueMessage).join("; ")
