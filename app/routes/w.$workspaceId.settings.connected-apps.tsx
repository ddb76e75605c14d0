// Settings → Connected apps (every member): the providers this workspace's apps need, with this
// person's own connection to each — Connect (the provider's sign-in, then back here), Reconnect,
// Disconnect. The callback comes back with ?connected=<key> or ?oauth_error=<code>; only a code
// this page knows, or a provider it lists, is ever shown from the URL.

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node"
import { data, redirect } from "@remix-run/node"
import { useActionData, useLoaderData } from "@remix-run/react"
import { Plug } from "lucide-react"
import { useEffect } from "react"
import { ConnectionRow } from "../components/integrations/connection-row.tsx"
import { webUrl } from "../components/integrations/integration-views.ts"
import { ReturnNotice } from "../components/integrations/return-notice.tsx"
import { settingsMeta } from "../components/settings/workspace-title.ts"
import { Button } from "../components/ui/button.tsx"
import { EmptyState } from "../components/ui/empty-state.tsx"
import { Notice } from "../components/ui/notice.tsx"
import { PageHeader, PageMain } from "../components/ui/page.tsx"
import { readForm } from "../forms/read-form.server.ts"
import { act, field, load } from "../trpc/caller.server.ts"

export const meta = settingsMeta("Connected apps")

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  return load(args, async (caller) => {
    const [workspace, { connections }] = await Promise.all([caller.workspaces.get({ workspaceId }), caller.connections.list({ workspaceId })])
    return {
      workspaceId: workspace.id,
      workspaceName: workspace.name,
      connections,
    }
  })
}

/** What the page shows after Disconnect, a refused Connect, or a Connect submitted without script. */
interface ConnectAnswer {
  readonly ok: boolean
  readonly message: string
  /** The provider's authorization URL, to follow by hand (see the note below). */
  readonly continueTo: string | null
}
const answer = (value: ConnectAnswer, status: number) => data(value, { status })

export async function action(args: ActionFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  const form = await readForm(args.request)
  const intent = field(form, "intent")
  const providerKey = field(form, "providerKey")
  if (intent === "disconnect") {
    const result = await act(args, intent, async (caller) => (await caller.connections.disconnect({ workspaceId, providerKey })).disconnected)
    return answer(
      result.ok
        ? {
            ok: true,
            message: result.data ? "Disconnected. Your tokens were deleted." : "It was not connected.",
            continueTo: null,
          }
        : { ok: false, message: result.message, continueTo: null },
      result.ok ? 200 : result.status
    )
  }
  // Connect and Reconnect: off to the provider's sign-in, which comes back to this page.
  const result = await act(args, "connect", (caller) =>
    caller.connections.start({
      workspaceId,
      providerKey,
      returnTo: `/w/${workspaceId}/settings/connected-apps`,
    })
  )
  if (!result.ok) return answer({ ok: false, message: result.message, continueTo: null }, result.status)
  // NOTE: the page's CSP has form-action 'self', and browsers apply it to a form's redirects: a
  // form submitted without script (a document navigation) gets a link to follow instead; with
  // script, Remix follows the redirect by setting the location, which form-action does not govern.
  if (args.request.headers.get("sec-fetch-mode") === "navigate") {
    return answer(
      {
        ok: true,
        message: "Continue to the provider to sign in and allow access.",
        continueTo: result.data.authorizationUrl,
      },
      200
    )
  }
  return redirect(result.data.authorizationUrl, 303)
}

export default function ConnectedApps() {
  const { workspaceName, connections } = useLoaderData<typeof loader>()
  const outcome = useActionData<typeof action>()
  // Back from the provider's page to this one restored from the back/forward cache, Connect would
  // still read "Connecting…" (the navigation that left never ended here): load it afresh.
  useEffect(() => {
    const restored = (event: PageTransitionEvent) => {
      if (event.persisted) window.location.reload()
    }
    window.addEventListener("pageshow", restored)
    return () => window.removeEventListener("pageshow", restored)
  }, [])
  return (
    <PageMain>
      <PageHeader
        title="Connected apps"
        description={`Your own accounts at the services ${workspaceName}'s apps use. When you ask an app's agent to do something there, it acts as you — only you, and only with what you granted.`}
      />
      <div className="mb-6 grid gap-3 empty:hidden">
        {/* Only the latest outcome: after Disconnect or a refused Connect, the URL's return notice is old news. */}
        {outcome ? null : <ReturnNotice connections={connections} />}
        {outcome ? <Notice tone={outcome.ok ? "success" : "error"}>{outcome.message}</Notice> : null}
        {outcome && webUrl(outcome.continueTo ?? undefined) ? (
          <Button asChild className="justify-self-start">
            <a href={webUrl(outcome.continueTo ?? undefined)!}>Continue to sign in</a>
          </Button>
        ) : null}
      </div>
      {connections.length === 0 ? (
        <EmptyState icon={Plug} title="Nothing to connect yet" data-testid="no-connections">
          When an app needs your account at another service (Google, GitHub, your CRM), it is listed here to connect.
        </EmptyState>
      ) : (
        <ul className="divide-y rounded-xl border bg-card" aria-label="Services to connect">
          {connections.map((connection) => (
            <ConnectionRow key={connection.providerKey} connection={connection} />
          ))}
        </ul>
      )}
    </PageMain>
  )
}
