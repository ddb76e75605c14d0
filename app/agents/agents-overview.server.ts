// Everything the Agents page shows about one app: each agent and its tools as the draft declares
// them, what is wrong with agents.json, who approved what (draft and published) and whether it still
// counts, the change since the last approval (for an admin facing a mock-only one: since the last
// live approval) as two texts to diff, and what the viewer may do.

import type { AgentsConfig } from "#shared/agents/agents-config.ts"
import { summarizeAgents, type AgentsSummary } from "#shared/agents/agents-summary.ts"
import { effectiveAgentsConfig } from "#shared/agents/canonical-hash.ts"
import type { ConfigProblem } from "#shared/agents/config-problems.ts"
import { requireBuildableApp } from "../apps/app-access.server.ts"
import type { WebServices } from "../services.server.ts"
import { users } from "../store/collections.server.ts"
import type { WorkspaceScope } from "../workspaces/scope.server.ts"
import type { AgentsApprovalDocument, AgentsApprovalMode } from "./agent-approval-collections.server.ts"
import { approvalModeFor, approvedConfig, currentReleaseAgentsHash, findAgentsApproval, liveBaselineConfig, mayEditAgents, mayRevoke } from "./approvals.server.ts"
import { readDraftAgentsConfig, type DraftAgentsConfig } from "./agents-source.server.ts"

export interface AgentsApprovalView {
  readonly mode: AgentsApprovalMode
  readonly hash: string
  /** The approver's display name ("someone no longer here" once they are gone). */
  readonly by: string
  readonly byUserId: string
  readonly at: string
  /** Whether it counts now: not cleared and, for the draft, the draft still hashes as approved. */
  readonly effective: boolean
  /** Why it stopped counting (an edit of agents.json, a revoke), or null while it stands. */
  readonly cleared: { readonly at: string; readonly reason: string; readonly revokedBy: string | null } | null
}

export interface AgentsOverview {
  readonly appId: string
  /** Whether the draft's source has an agents.json. */
  readonly present: boolean
  /** What is wrong with it, each at its JSON path; empty when valid. */
  readonly problems: readonly ConfigProblem[]
  /** The draft's hash, to send back with approve (null while absent or invalid). */
  readonly hash: string | null
  /** Each agent, its tools, domains and collections (effective only); null while absent or invalid. */
  readonly summary: AgentsSummary | null
  readonly draftApproval: AgentsApprovalView | null
  readonly publishedApproval: AgentsApprovalView | null
  /** The draft differs from what was last approved for it (changed, invalid or removed). */
  readonly changedSinceApproval: boolean
  /**
   * Canonical pretty JSON of the effective configuration, for a line diff: as last approved for the
   * draft (null: never approved), and as the draft is now (its raw text while invalid; null when absent).
   */
  readonly diff: {
    readonly approved: string | null
    readonly current: string | null
    /**
     * What `approved` is: the draft's last approval, or, for an admin while the draft's approval is
     * mock-only, the last live approval (null: none yet), since that is what their approval turns
     * live. A collaborator's mock approval must not hide from the admin what changed since then.
     */
    readonly since: "approval" | "live-approval"
  }
  readonly viewer: {
    /** Approving now would change something (nothing approved, a changed draft, or live over mock). */
    readonly canApprove: boolean
    /** What the viewer's approval makes of the tools. */
    readonly approveMode: AgentsApprovalMode
    readonly canRevoke: boolean
    readonly canRevokePublished: boolean
  }
}

/** JSON with sorted keys, two-space indented: the same configuration always reads the same, so a diff shows only changes. */
export function prettyCanonicalJson(value: unknown, indent = ""): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null"
  const inner = `${indent}  `
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]"
    return `[\n${value.map((item) => inner + prettyCanonicalJson(item ?? null, inner)).join(",\n")}\n${indent}]`
  }
  const keys = Object.keys(value)
    .sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
  if (keys.length === 0) return "{}"
  return `{\n${keys.map((key) => `${inner}${JSON.stringify(key)}: ${prettyCanonicalJson((value as Record<string, unknown>)[key], inner)}`).join(",\n")}\n${indent}}`
}

const effectiveText = (config: AgentsConfig) => prettyCanonicalJson(effectiveAgentsConfig(config))

const currentText = (draft: DraftAgentsConfig) => (draft.config ? effectiveText(draft.config) : draft.raw)

async function namesOf(services: WebServices, ids: readonly string[]): Promise<Record<string, string>> {
  const unique = [...new Set(ids)]
  if (unique.length === 0) return {}
  const found = await services.store.collection(users).findMany({ id: { in: unique } })
  return Object.fromEntries(found.map((user) => [user.id, user.displayName]))
}

export async function agentsOverview(services: WebServices, scope: WorkspaceScope, appId: string): Promise<AgentsOverview> {
  const app = await requireBuildableApp(services, scope, appId)
  const [draft, draftApproval, publishedApproval, releaseHash] = await Promise.all([
    readDraftAgentsConfig(services, app),
    findAgentsApproval(services, app, "draft"),
    findAgentsApproval(services, app, "published"),
    currentReleaseAgentsHash(services, app),
  ])
  // The published approval counts only while it is the current release's (as effectiveAgentsApproval decides).
  const publishedStands = publishedApproval !== null && publishedApproval.clearedAt === null && publishedApproval.hash === releaseHash
  const approvals = [draftApproval, publishedApproval].filter((approval) => approval !== null)
  const names = await namesOf(services, approvals.flatMap((approval) => [approval.approvedByUserId, ...(approval.revokedByUserId ? [approval.revokedByUserId] : [])]))
  const nameOf = (userId: string) => names[userId] ?? "someone no longer here"
  const view = (approval: AgentsApprovalDocument | null, effective: boolean): AgentsApprovalView | null =>
    approval && {
      mode: approval.mode,
      hash: approval.hash,
      by: nameOf(approval.approvedByUserId),
      byUserId: approval.approvedByUserId,
      at: approval.approvedAt,
      effective,
      cleared:
        approval.clearedAt === null
          ? null
          : { at: approval.clearedAt, reason: approval.clearedReason ?? "", revokedBy: approval.revokedByUserId ? nameOf(approval.revokedByUserId) : null },
    }

  const draftStands = draftApproval !== null && draftApproval.clearedAt === null
  const draftCounts = draftStands && draftApproval.hash === draft.hash
  const approveMode = approvalModeFor(scope)
  const editor = mayEditAgents(app, scope)
  const sinceLive = approveMode === "live" && draftApproval !== null && draftApproval.mode === "mock"
  const approvedPayload = draftApproval ? (sinceLive ? liveBaselineConfig(services, draftApproval) : approvedConfig(services, draftApproval)) : null
  return {
    appId: app.id,
    present: draft.present,
    problems: draft.problems,
    hash: draft.hash,
    summary: draft.config ? summarizeAgents(draft.config) : null,
    draftApproval: view(draftApproval, draftCounts),
    publishedApproval: view(publishedApproval, publishedStands),
    changedSinceApproval: draftApproval !== null && draftApproval.hash !== draft.hash,
    diff: { approved: approvedPayload ? effectiveText(approvedPayload) : null, current: currentText(draft), since: sinceLive ? "live-approval" : "approval" },
    viewer: {
      canApprove: editor && draft.hash !== null && !(draftCounts && (draftApproval.mode === "live" || approveMode === "mock")),
      approveMode,
      canRevoke: editor && draftStands && mayRevoke(draftApproval, scope),
      canRevokePublished: editor && publishedStands && mayRevoke(publishedApproval, scope),
    },
  }
}
