// /oauth/not-completed?reason=<code>: where the OAuth callback sends a browser whose connect attempt
// it could not trust (expired, replayed, another session's, no longer a member); nothing was stored.
// The way back is the signed-in person's Connected apps in the workspace "/" would open (the last
// one, else the first), or the front door for anyone else.

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { useLoaderData } from "@remix-run/react"
import { readCookie } from "../auth/session-cookie.server.ts"
import { NOT_COMPLETED_TITLE, NotCompletedPage, notCompletedSentence } from "../components/integrations/not-completed-page.tsx"
import { pageTitle } from "../text/page-title.ts"
import { callerFor } from "../trpc/caller.server.ts"
import { LAST_WORKSPACE_COOKIE } from "../workspaces/last-workspace.server.ts"

export const meta: MetaFunction = () => pageTitle(NOT_COMPLETED_TITLE)

export async function loader(args: LoaderFunctionArgs) {
  const sentence = notCompletedSentence(new URL(args.request.url).searchParams.get("reason"))
  const caller = await callerFor(args)
  const { user } = await caller.auth.me()
  let connectedApps: string | null = null
  if (user) {
    const workspaces = await caller.workspaces.list()
    const last = readCookie(args.request, LAST_WORKSPACE_COOKIE)
    const target = workspaces.find((workspace) => workspace.id === last) ?? workspaces[0]
    if (target) connectedApps = `/w/${target.id}/settings/connected-apps`
  }
  return { sentence, connectedApps }
}

export default function OAuthNotCompleted() {
  const { sentence, connectedApps } = useLoaderData<typeof loader>()
  return <NotCompletedPage sentence={sentence} connectedApps={connectedApps} />
}
