// Every page's <title>: what is on it first, then where (app, workspace), then the product, so
// browser tabs and history read "Members · Acme · Second".

export const pageTitle = (...parts: readonly (string | null | undefined)[]) => [
  { title: [...parts.filter((part): part is string => Boolean(part)), "Second"].join(" · ") },
]

/** The workspace's name from the workspace frame's loader data, for titles of pages inside it. */
export function workspaceNameIn(matches: readonly { id: string; data?: unknown }[]): string | undefined {
  const frame = matches.find((match) => match.id === "routes/w.$workspaceId")?.data as { workspace?: { name?: unknown } } | undefined
  return typeof frame?.workspace?.name === "string" ? frame.workspace.name : undefined
}
