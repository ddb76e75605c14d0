// Where the app's agents stand, for the chat's present_agents cards: the Agents route's loader,
// read once through one shared fetcher however many cards the chat shows (`?view=approval` loads
// only the approval, not the runs). Remix reloads it after every action and the workspace frame
// after every workspace event (app.agents.changed among them), so a card follows an approval made
// anywhere.

import { useFetcher, useParams } from "@remix-run/react"
import { useEffect } from "react"
import type { ApprovalFacts } from "./agents-view.ts"

/** The Agents page of the app the chat is on. */
export function useAgentsPath(): string {
  const { workspaceId = "", appId = "" } = useParams()
  return `/w/${workspaceId}/apps/${appId}/agents`
}

/** The app's approval facts, or null until they have loaded (and on the server). */
export function useAgentsApproval(): { readonly approval: ApprovalFacts | null; readonly reload: () => void } {
  const path = useAgentsPath()
  const fetcher = useFetcher<{ readonly approval: ApprovalFacts | null }>({ key: `agents-approval:${path}` })
  const reload = () => fetcher.load(`${path}?view=approval`)
  const needed = fetcher.data === undefined && fetcher.state === "idle"
  useEffect(() => {
    if (needed) reload()
    // NOTE: only on mount or when the app changes; `reload` is a new function each render.
  }, [path])
  return { approval: fetcher.data?.approval ?? null, reload }
}
