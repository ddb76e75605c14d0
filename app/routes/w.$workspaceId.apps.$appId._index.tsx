// The builder chat: the app's latest runs in order (the person's message, then the agent's
// answer; earlier ones on request), the running one streamed live, and the composer for the next message. Stop works from
// any tab (it asks the server, which stops the run wherever it runs); a refused send says the
// agent is already running rather than failing quietly.

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node"
import { Link, useActionData, useLoaderData, useNavigation, useParams, useRouteLoaderData } from "@remix-run/react"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { ChatComposer } from "../components/builder/chat-composer.tsx"
import { awaitsApproval } from "../components/builder/builder-run.ts"
import { ChatStatus, useSendConflict, type ChatState } from "../components/builder/chat-status.tsx"
import { useReloadWhenApprovalRefused } from "../components/builder/plan-card.tsx"
import { RunCard, type BuilderRun, type RunCardProps } from "../components/builder/run-card.tsx"
import { FormMessage } from "../components/form-message.tsx"
import { readForm } from "../forms/read-form.server.ts"
import { RUNS_PAGE, shownRuns } from "../runs/run-pages.ts"
import { useRevalidateWhenRunEnds, useRunEvents } from "../runs/use-run-events.ts"
import { act, field, load, reply } from "../trpc/caller.server.ts"
import type { loader as appLoader } from "./w.$workspaceId.apps.$appId.tsx"

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  const appId = args.params["appId"] ?? ""
  return load(args, async (caller) => {
    const limit = shownRuns(new URL(args.request.url).searchParams)
    const [{ runs, hasEarlier }, runtimes] = await Promise.all([caller.runs.list({ workspaceId, appId, limit }), caller.apps.runtimes({ workspaceId })])
    return { runs, hasEarlier, runtimes }
  })
}

export async function action(args: ActionFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  const appId = args.params["appId"] ?? ""
  const form = await readForm(args.request)
  const intent = field(form, "intent")
  const runId = field(form, "runId")
  switch (intent) {
    case "stop":
      return reply(await act(args, intent, (caller) => caller.runs.stop({ workspaceId, runId })))
    case "retry":
      return reply(await act(args, intent, (caller) => caller.runs.retry({ workspaceId, runId })))
    case "approve":
      return reply(await act(args, intent, (caller) => caller.runs.approve({ workspaceId, runId })))
    default: {
      // A disabled (unusable) runtime is not submitted at all: the app's runtime is used then.
      const runtime = field(form, "runtime")
      const model = form.get("model")
      return reply(
        await act(args, "send", (caller) =>
          caller.runs.send({
            workspaceId,
            appId,
            prompt: field(form, "prompt"),
            ...(runtime ? { runtime: runtime as RuntimeId } : {}),
            ...(model !== null ? { model: String(model) } : {}),
          }),
        ),
      )
    }
  }
}

export default function BuilderChat() {
  const { runs, hasEarlier, runtimes } = useLoaderData<typeof loader>()
  const app = useRouteLoaderData<typeof appLoader>("routes/w.$workspaceId.apps.$appId")
  const outcome = useActionData<typeof action>()
  const navigation = useNavigation()
  const params = useParams()

  const active: BuilderRun | null = runs.findLast((run) => run.status === "running") ?? null
  // The run the person answers next (its plan, its suggestions), while nothing runs.
  const answered: BuilderRun | null = active ? null : (runs.at(-1) ?? null)
  const live = useRunEvents(active?.id ?? null)
  useRevalidateWhenRunEnds(live)
  const conflict = useSendConflict(outcome, active?.id ?? null)
  useReloadWhenApprovalRefused(outcome)
  const state: ChatState = conflict ? "already-running" : active ? "working" : answered && awaitsApproval(answered) ? "awaiting-approval" : "ready"

  const submitting = navigation.state === "submitting" ? navigation.formData : undefined
  // Not `field`: that lives in a server module, and this runs in the browser too.
  const pendingIntent = submitting ? String(submitting.get("intent") ?? "send") : null
  const pendingRunId = submitting?.get("runId") ?? null
  const isCardIntent = (intent: string | null): intent is NonNullable<RunCardProps["pending"]> =>
    intent === "stop" || intent === "retry" || intent === "approve" || intent === "send"
  const retried = new Set(runs.map((run) => run.retryOf).filter((id): id is string => id !== null))
  const filesPath = `/w/${params["workspaceId"]}/apps/${params["appId"]}/files`
  const fileHref = (path: string) => `${filesPath}?path=${encodeURIComponent(path)}`
  const sent = outcome?.ok && outcome.intent === "send" ? outcome : null

  return (
    <div className="chat">
      {hasEarlier && runs.length < RUNS_PAGE.max ? (
        // A link, not a button: the longer conversation has its own URL, which reloads and revalidations keep.
        <Link className="earlier-runs" to={`?show=${runs.length + RUNS_PAGE.size}`} preventScrollReset data-testid="earlier-runs">
          Show earlier messages
        </Link>
      ) : hasEarlier ? (
        <p className="earlier-runs">Showing the latest {runs.length} messages.</p>
      ) : null}
      <ol className="runs" aria-label="Conversation">
        {runs.map((run) => (
          <li key={run.id}>
            <RunCard
              run={run}
              live={live?.runId === run.id ? live : null}
              // Retrying while another run works would only be refused; a retried run is done with.
              canRetry={run.status === "failed" && Boolean(run.error?.retryable) && !active && !retried.has(run.id)}
              latest={run.id === answered?.id}
              // A send carries a runId only when one of this run's cards sent it (a suggestion, Continue).
              pending={pendingRunId === run.id && isCardIntent(pendingIntent) ? pendingIntent : null}
              fileHref={fileHref}
            />
          </li>
        ))}
      </ol>
      <ChatStatus state={state} empty={runs.length === 0} />
      {["stop", "retry", "approve"].map((intent) => (
        <FormMessage key={intent} outcome={outcome} intent={intent} />
      ))}
      {/* A 409 is said by the status line above; other refusals (an empty message, say) here. */}
      {outcome && !outcome.ok && outcome.intent === "send" && outcome.status !== 409 ? <FormMessage outcome={outcome} intent="send" /> : null}
      <ChatComposer
        runtimes={runtimes}
        runtime={app?.runtime ?? runtimes[0]?.id ?? "claude"}
        model={app?.model ?? null}
        sending={pendingIntent === "send"}
        sentKey={sent}
      />
    </div>
  )
}
