// Who approved which agents.json, for an app's draft and for its published version: one document
// per (app, slot). The approved configuration is kept whole (payloadJson), so what runs is what was
// reviewed, even after the source changes; its canonical hash ties it to the draft it came from.

import { defineCollection, type StoredDocument } from "../store/store.server.ts"

/** "draft": what the builders preview; "published": what colleagues run (copied from the draft when the app is published). */
export const AGENTS_APPROVAL_SLOTS = ["draft", "published"] as const
export type AgentsApprovalSlot = (typeof AGENTS_APPROVAL_SLOTS)[number]

/** "live": tools call the real APIs (an owner or admin approved); "mock": tools answer with their declared mock data. */
export type AgentsApprovalMode = "live" | "mock"

export interface AgentsApprovalDocument extends StoredDocument {
  readonly workspaceId: string
  readonly appId: string
  readonly scope: AgentsApprovalSlot
  /** agentsConfigHash of the payload ("v1:<sha256 hex>"). */
  readonly hash: string
  /**
   * The configuration as approved (validated), as JSON text; never re-read from the source.
   * NOTE: text, not a nested document: tools' JSON (response schemas' "$ref", mock data) may hold
   * keys MongoDB refuses to store or update through $set.
   */
  readonly payloadJson: string
  readonly mode: AgentsApprovalMode
  readonly approvedByUserId: string
  readonly approvedAt: string
  /** Set when the approval stopped counting: the builder changed agents.json, or someone revoked it. */
  readonly clearedAt: string | null
  readonly clearedReason: string | null
  /** The draft's hash that cleared it (null: agents.json became invalid or was removed, or a revoke). */
  readonly clearedHash: string | null
  readonly revokedByUserId: string | null
  /**
   * For a mock-only approval: the last live approval of this slot that it replaced (its hash and
   * payload), so an admin reviews the change against what was last approved live, not against a
   * collaborator's mock approval. Null when nothing was approved live before, or when this one is
   * live; absent on documents written before it existed.
   */
  readonly liveBaselineHash?: string | null
  readonly liveBaselinePayloadJson?: string | null
}

export const agentsApprovals = defineCollection<AgentsApprovalDocument>({
  name: "app_agents_approvals",
  indexes: [{ name: "app_scope_unique", fields: ["workspaceId", "appId", "scope"], unique: true }],
})
