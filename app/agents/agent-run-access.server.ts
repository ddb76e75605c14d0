// An agent run acts as the person who triggered it, so it may act only while that person can
// still reach the app in the run's scope: build it (a draft run), or use it (a published run, which
// a colleague the app is published to may trigger). Taking that away (removed from the app's
// collaborators, from the workspace or the audience, no longer an admin) stops their active runs
// at once; the tool-execute path checks it again on every call, for whatever took the access
// away without passing through here. Who may look at a run: the app's builders every run, and a
// user of the published app their own published runs.

import type { RunErrorInfo } from "#shared/runs/internal-api.ts"
import { recordAudit } from "../audit/audit.server.ts"
import { canBuildApp, canUseAppNow } from "../apps/app-access.server.ts"
import { readRunStream } from "../runs/run-stream-reader.server.ts"
import type { WebServices } from "../services.server.ts"
import type { DurableStore } from "../store/store.server.ts"
import type { WorkspaceScope } from "../workspaces/scope.server.ts"
import { apps, memberships, users, type AppDocument } from "../store/collections.server.ts"
import { agentRuns, type AgentRunDocument } from "./agent-run-collections.server.ts"
import { ACTIVE_AGENT_RUN_STATUSES, agentClosingEvents, endingFromAgentStream, settleAgentRun } from "./agent-run-settlement.server.ts"

type Who = Pick<WorkspaceScope, "user" | "membership">

/** Whether the person may reach the app in the run's scope now: build it, or (a published run) use it. */
const mayActIn = async (store: DurableStore, run: Pick<AgentRunDocument, "scope">, app: AppDocument, who: Who) =>
  canBuildApp(app, who) || (run.scope === "published" && (await canUseAppNow(store, app, who)))

/** Whether the person who triggered the run can reach the app in its scope now (a member of its workspace who builds it, or uses it published). */
export async function triggererCanSeeApp(services: WebServices, run: Pick<AgentRunDocument, "workspaceId" | "triggeredByUserId" | "scope">, app: AppDocument): Promise<boolean> {
  const [user, membership] = await Promise.all([
    services.store.collection(users).findOne({ id: run.triggeredByUserId }),
    services.store.collection(memberships).findOne({ workspaceId: run.workspaceId, userId: run.triggeredByUserId }),
  ])
  return Boolean(user && membership && (await mayActIn(services.store, run, app, { user, membership })))
}

/**
 * Who may see a run (get, stream, cancel): the app's builders every run of it; anyone else only a
 * published run they triggered, while the app is still theirs to use. Having triggered a run is
 * not enough on its own: a collaborator removed from the app loses its runs with it.
 */
export async function maySeeAgentRun(store: DurableStore, run: Pick<AgentRunDocument, "scope" | "triggeredByUserId">, app: AppDocument, who: Who): Promise<boolean> {
  if (canBuildApp(app, who)) return true
  return run.scope === "published" && run.triggeredByUserId === who.user.id && (await canUseAppNow(store, app, who))
}

/** What a run stopped this way says, on the run and in its stream (no name: it stays on the run after the people change). */
export const ACCESS_REMOVED: RunErrorInfo = {
  code: "access_removed",
  message: "Stopped because the person who started it can no longer see this app.",
  retryable: false,
}

/**
 * Stops the user's active agent runs in the workspace on every app they can no longer see, as
 * `byUserId` (the person who took the access away). The web ends each run itself rather than
 * waiting for the worker to confirm, so no tool call of theirs is honoured from here on; the
 * worker's late report finds the run settled. Returns the runs it stopped.
 */
export async function stopAgentRunsWithoutAccess(
  services: WebServices,
  change: { readonly workspaceId: string; readonly userId: string; readonly byUserId: string },
): Promise<AgentRunDocument[]> {
  const active = await services.store
    .collection(agentRuns)
    .findMany({ workspaceId: change.workspaceId, triggeredByUserId: change.userId, status: { in: ACTIVE_AGENT_RUN_STATUSES } })
  const stopped: AgentRunDocument[] = []
  for (const run of active) {
    const app = await services.store.collection(apps).findOne({ id: run.appId, workspaceId: run.workspaceId })
    if (app && (await triggererCanSeeApp(services, run, app))) continue
    const settled = await stopWithoutAccess(services, run, change.byUserId)
    if (settled) stopped.push(settled)
  }
  return stopped
}

async function stopWithoutAccess(services: WebServices, run: AgentRunDocument, byUserId: string): Promise<AgentRunDocument | null> {
  await services.worker.cancelAgentRun(run.id).catch(() => undefined)
  const { transcript, terminal } = await readRunStream(services.live, run.id).catch(() => ({ transcript: [], terminal: null }))
  // A turn that had ended on its own just before is recorded as it ended.
  const settled = await settleAgentRun(
    services,
    run,
    terminal
      ? { ...endingFromAgentStream(terminal, transcript), transcript }
      : { status: "cancelled", error: ACCESS_REMOVED, transcript, closeStreamWith: agentClosingEvents("cancelled", ACCESS_REMOVED), cancelledByUserId: byUserId },
  )
  if (settled?.status === "cancelled") {
    await recordAudit(services.store, {
      workspaceId: run.workspaceId,
      actorUserId: byUserId,
      action: "agent_run.cancelled",
      target: { type: "app", id: run.appId },
      after: { agentRunId: run.id, agentId: run.agentId, reason: ACCESS_REMOVED.code, triggeredByUserId: run.triggeredByUserId },
    })
  }
  return settled
}
