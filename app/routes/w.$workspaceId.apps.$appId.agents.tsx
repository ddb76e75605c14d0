// The Agents panel of an app's page (components/agents/agents-panel.tsx): it loads the agents'
// overview and recent runs, and takes the panel's own forms — approve (with the hash the person
// saw), revoke, cancel a run. `?view=approval` loads only where the approval stands, for the
// chat's present_agents cards (components/agents/use-agents-approval.ts); `?view=run&runId=…` only
// that run's transcript, for its "Show what it did" (components/agents/agent-run-transcript.tsx).

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { useActionData, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react"
import type { AgentRunTranscriptData } from "../components/agents/agent-run-transcript.tsx"
import { agentsPageView } from "../components/agents/agents-page-view.ts"
import { AgentsPanel } from "../components/agents/agents-panel.tsx"
import type { ApprovalFacts } from "../components/agents/agents-view.ts"
import { appNameIn, useAppPanel } from "../components/app-workspace/panel-context.ts"
import { AppUsageCard } from "../components/usage/app-usage-card.tsx"
import { FormMessage } from "../components/form-message.tsx"
import { readForm } from "../forms/read-form.server.ts"
import { pageTitle, workspaceNameIn } from "../text/page-title.ts"
import { act, callerFor, field, load, reply } from "../trpc/caller.server.ts"

export const meta: MetaFunction = ({ matches }) => pageTitle("Agents", appNameIn(matches), workspaceNameIn(matches))

const appOf = (params: LoaderFunctionArgs["params"]) => ({ workspaceId: params["workspaceId"] ?? "", appId: params["appId"] ?? "" })

/** How many recent runs the panel lists. */
const RECENT_RUNS = 20

export async function loader(args: LoaderFunctionArgs) {
  const app = appOf(args.params)
  const search = new URL(args.request.url).searchParams
  if (search.get("view") === "approval") return approvalOnly(args, app)
  if (search.get("view") === "run") return runOnly(args, app, search.get("runId") ?? "")
  const [overview, runs, usage] = await load(args, (caller) =>
    Promise.all([caller.agents.overview(app), caller.agentRuns.list({ ...app, limit: RECENT_RUNS }), caller.usage.forApp(app)]),
  )
  return { page: agentsPageView(overview, runs), usage }
}

/**
 * For the chat's cards: where the approval stands, or null when it cannot be told. A fetcher's
 * thrown error would replace the whole app page with the error page; a card only loses its standing.
 */
async function approvalOnly(args: LoaderFunctionArgs, app: ReturnType<typeof appOf>): Promise<{ readonly approval: ApprovalFacts | null }> {
  try {
    return { approval: agentsPageView(await (await callerFor(args)).agents.overview(app), []).approval }
  } catch {
    return { approval: null }
  }
}

/**
 * For a run's "Show what it did": that run's transcript, read as agentRuns.get reads it (the same
 * authorization), and only when the run is this app's; null when it cannot be read, so the row
 * says so instead of the whole page turning into the error page.
 */
async function runOnly(args: LoaderFunctionArgs, app: ReturnType<typeof appOf>, runId: string): Promise<AgentRunTranscriptData> {
  try {
    const run = await (await callerFor(args)).agentRuns.get({ workspaceId: app.workspaceId, runId })
    return { run: run.appId === app.appId && run.transcript !== null ? { status: run.status, transcript: run.transcript } : null }
  } catch {
    return { run: null }
  }
}

export async function action(args: ActionFunctionArgs) {
  const app = appOf(args.params)
  const form = await readForm(args.request)
  const intent = field(form, "intent")
  switch (intent) {
    case "approve":
      return reply(await act(args, intent, (caller) => caller.agents.approve({ ...app, expectedHash: field(form, "expectedHash") })))
    case "revoke":
      return reply(await act(args, intent, (caller) => caller.agents.revoke(app)))
    case "cancel-run":
      return reply(await act(args, intent, (caller) => caller.agentRuns.cancel({ workspaceId: app.workspaceId, runId: field(form, "runId") })))
    default:
      return reply({ ok: false, intent, status: 400, message: "Send intent approve (with expectedHash), revoke, or cancel-run (with runId)." })
  }
}

/** A refused approval (409: the agents changed meanwhile) must still show the agents as they are now. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, currentUrl, defaultShouldRevalidate }) =>
  formAction !== undefined && new URL(formAction, currentUrl).pathname === currentUrl.pathname ? true : defaultShouldRevalidate

export default function AgentsPane() {
  const data = useLoaderData<typeof loader>()
  const outcome = useActionData<typeof action>()
  const { base } = useAppPanel()
  const path = `${base}/agents`
  return (
    <div className="grid min-w-0 content-start gap-3">
      {["approve", "revoke", "cancel-run"].map((intent) => (
        <FormMessage key={intent} outcome={outcome} intent={intent} />
      ))}
      {"page" in data ? <AgentsPanel view={data.page} action={path} /> : null}
      {"usage" in data ? <AppUsageCard usage={data.usage} /> : null}
    </div>
  )
}
