import { describe, expect, it } from "vitest"
import type { AuditAction } from "../audit/audit.server.ts"
import { auditFields, auditSubject } from "./audit-details.ts"
import { auditSentence, sentenceText, type AuditDirectory, type AuditEventView } from "./audit-sentence.ts"

const ADA = "u".repeat(24)
const BEA = "v".repeat(24)
const GONE = "w".repeat(24)
const DESIGN = "t".repeat(24)
const DELETED_TEAM = "d".repeat(24)
const INVITE = "i".repeat(24)
const APP = "a".repeat(24)

const directory: AuditDirectory = {
  people: { [ADA]: { name: "Ada", email: "ada@example.com" }, [BEA]: { name: "Bea", email: "bea@example.com" } },
  teams: { [DESIGN]: "Design" },
  apps: { [APP]: "Lunch orders" },
  invitations: { [INVITE]: { email: "bob@example.com", role: "member" } },
}

const event = (action: string, fields: Partial<AuditEventView> = {}): AuditEventView => ({
  id: "e".repeat(24),
  occurredAt: "2025-03-05T14:03:00.000Z",
  actorUserId: ADA,
  action,
  targetType: action.split(".")[0] ?? "workspace",
  targetId: "x".repeat(24),
  before: null,
  after: null,
  ...fields,
})

const say = (audit: AuditEventView) => sentenceText(auditSentence(audit, directory))

describe("an audit event as a sentence", () => {
  it("workspace.created", () => expect(say(event("workspace.created", { after: { name: "Acme" } }))).toBe("Ada created the workspace Acme"))
  it("workspace.renamed", () =>
    expect(say(event("workspace.renamed", { before: { name: "Acme" }, after: { name: "Acme Robotics" } }))).toBe("Ada renamed the workspace from Acme to Acme Robotics"))

  it("member.added, by joining", () =>
    expect(say(event("member.added", { actorUserId: BEA, targetId: BEA, after: { role: "member", source: "local", teamIds: [] } }))).toBe("Bea became a member"))
  it("member.added, by the identity provider", () =>
    expect(say(event("member.added", { actorUserId: null, targetId: BEA, after: { role: "admin", source: "external" } }))).toBe(
      "The identity provider added Bea as admin",
    ))
  it("member.role_changed", () =>
    expect(say(event("member.role_changed", { targetId: BEA, before: { role: "member" }, after: { role: "admin" } }))).toBe("Ada changed Bea's role from member to admin"))
  it("member.role_changed, by the identity provider, for someone no longer here", () =>
    expect(say(event("member.role_changed", { actorUserId: null, targetId: GONE, before: { role: "owner" }, after: { role: "member", source: "external" } }))).toBe(
      "The identity provider changed the role of someone no longer here from owner to member",
    ))
  it("member.removed", () => expect(say(event("member.removed", { targetId: BEA, before: { role: "admin" } }))).toBe("Ada removed Bea from the workspace"))

  it("invitation.created", () =>
    expect(say(event("invitation.created", { targetId: INVITE, after: { email: "bob@example.com", role: "member", teamIds: [] } }))).toBe(
      "Ada invited bob@example.com as member",
    ))
  it("invitation.resent", () =>
    expect(say(event("invitation.resent", { targetId: INVITE, before: { expiresAt: "2025-03-01T00:00:00.000Z" }, after: { expiresAt: "2025-03-12T00:00:00.000Z" } }))).toBe(
      "Ada sent a new invitation link to bob@example.com",
    ))
  it("invitation.revoked", () =>
    expect(say(event("invitation.revoked", { targetId: INVITE, before: { status: "pending" }, after: { status: "revoked" } }))).toBe(
      "Ada revoked the invitation for bob@example.com",
    ))
  it("invitation.accepted", () =>
    expect(say(event("invitation.accepted", { actorUserId: BEA, targetId: INVITE, after: { status: "accepted", userId: BEA } }))).toBe("Bea joined via invitation"))

  it("team.created", () => expect(say(event("team.created", { targetId: DESIGN, after: { name: "Design" } }))).toBe("Ada created the team Design"))
  it("team.created, by the name it had then, though it was renamed since", () =>
    expect(say(event("team.created", { targetId: DESIGN, after: { name: "Designers" } }))).toBe("Ada created the team Designers"))
  it("team.renamed", () =>
    expect(say(event("team.renamed", { targetId: DESIGN, before: { name: "Design" }, after: { name: "Product design" } }))).toBe("Ada renamed the team Design to Product design"))
  it("team.deleted, by the name it had", () =>
    expect(say(event("team.deleted", { targetId: DELETED_TEAM, before: { name: "Ops", memberIds: [BEA] } }))).toBe("Ada deleted the team Ops"))
  it("team.member_added", () => expect(say(event("team.member_added", { targetId: DESIGN, after: { userId: BEA } }))).toBe("Ada added Bea to the team Design"))
  it("team.member_removed, from a team deleted since", () =>
    expect(say(event("team.member_removed", { targetId: DELETED_TEAM, before: { userId: BEA } }))).toBe("Ada removed Bea from a deleted team"))

  it("app.created", () => expect(say(event("app.created", { targetId: APP, after: { name: "Lunch orders", runtime: "claude" } }))).toBe("Ada created the app Lunch orders"))
  it("app.renamed", () =>
    expect(say(event("app.renamed", { targetId: APP, before: { name: "Lunch" }, after: { name: "Lunch orders" } }))).toBe("Ada renamed the app Lunch to Lunch orders"))
  it("app.renamed, by the builder", () =>
    expect(say(event("app.renamed", { targetId: APP, before: { name: "Untitled" }, after: { name: "Lunch orders", by: "builder agent", runId: "r".repeat(24) } }))).toBe(
      "The builder renamed the app Untitled to Lunch orders for Ada",
    ))
  it("app.deleted, by the name it had", () =>
    expect(say(event("app.deleted", { targetId: "g".repeat(24), before: { name: "Old app" } }))).toBe("Ada deleted the app Old app"))
  it("app.collaborator_added", () =>
    expect(say(event("app.collaborator_added", { targetId: APP, after: { userId: BEA } }))).toBe("Ada added Bea as a collaborator on the app Lunch orders"))
  it("app.collaborator_removed", () =>
    expect(say(event("app.collaborator_removed", { targetId: APP, after: { userId: BEA } }))).toBe("Ada removed Bea as a collaborator on the app Lunch orders"))
  it("app.version_restored", () =>
    expect(say(event("app.version_restored", { targetId: APP, before: { versionNumber: 4 }, after: { versionNumber: 5, restoredFromNumber: 2 } }))).toBe(
      "Ada restored version 2 of the app Lunch orders",
    ))

  it("app.agents_approved, live and mock-only", () => {
    expect(say(event("app.agents_approved", { targetId: APP, after: { hash: "v1:ab", mode: "live" } }))).toBe("Ada approved the agents of the app Lunch orders for live calls")
    expect(say(event("app.agents_approved", { actorUserId: BEA, targetId: APP, after: { hash: "v1:ab", mode: "mock" } }))).toBe(
      "Bea approved the agents of the app Lunch orders for mock data only",
    )
  })
  it("app.agents_revoked", () =>
    expect(say(event("app.agents_revoked", { targetId: APP, before: { hash: "v1:ab", mode: "live", scope: "draft" } }))).toBe(
      "Ada revoked the approval of the agents of the app Lunch orders",
    ))
  it("app.agents_approval_cleared, by the builder's edit", () =>
    expect(say(event("app.agents_approval_cleared", { targetId: APP, before: { hash: "v1:ab" }, after: { hash: "v1:cd", by: "builder agent", runId: "r".repeat(24) } }))).toBe(
      "The builder changed the agents of the app Lunch orders for Ada, which cleared their approval",
    ))
  it("app.agents_approval_cleared, by a restore", () =>
    expect(say(event("app.agents_approval_cleared", { targetId: APP, before: { hash: "v1:ab" }, after: { hash: null, restoredFromNumber: 2 } }))).toBe(
      "Ada restored version 2 of the app Lunch orders, which changed its agents and cleared their approval",
    ))

  it("integration and OAuth events name the provider, the key and the secret, never a value", () => {
    expect(say(event("integration.provider_saved", { targetType: "oauth_provider", targetId: "google", after: { providerKey: "google", created: true, secretChanged: true } }))).toBe(
      "Ada added the OAuth client for google",
    )
    expect(say(event("integration.provider_saved", { targetType: "oauth_provider", targetId: "google", after: { providerKey: "google", created: false, secretChanged: false } }))).toBe(
      "Ada changed the OAuth client for google",
    )
    expect(say(event("integration.provider_saved", { targetType: "oauth_provider", targetId: "google", after: { providerKey: "google", created: false, secretChanged: true, clientChanged: true, reconnectRequired: 3 } }))).toBe(
      "Ada replaced the OAuth client for google (new client id or endpoints); 3 people have to reconnect",
    )
    expect(say(event("integration.provider_deleted", { targetType: "oauth_provider", targetId: "google", before: { providerKey: "google" }, after: { connectionsRemoved: 2 } }))).toBe(
      "Ada removed the OAuth client for google, disconnecting 2 accounts",
    )
    expect(say(event("integration.secret_set", { targetId: APP, after: { domain: "api.zendesk.com", keySlug: "default", secret: "API_TOKEN" } }))).toBe(
      "Ada stored the secret API_TOKEN of api.zendesk.com for the app Lunch orders",
    )
    expect(say(event("integration.secret_cleared", { targetId: APP, after: { domain: "api.zendesk.com", keySlug: "eu", secret: "API_TOKEN" } }))).toBe(
      "Ada removed the secret API_TOKEN of api.zendesk.com (eu) for the app Lunch orders",
    )
    expect(say(event("integration.grants_synced", { targetId: APP, after: { upserted: 1, deleted: 0 } }))).toBe("Ada updated the integration keys the app Lunch orders asks for")
    expect(say(event("oauth.connected", { targetType: "oauth_provider", targetId: "google", after: { providerKey: "google" } }))).toBe("Ada connected their google account")
    expect(say(event("oauth.disconnected", { targetType: "oauth_provider", targetId: "google", before: { providerKey: "google" } }))).toBe("Ada disconnected their google account")
    expect(say(event("oauth.token_refreshed", { targetType: "oauth_provider", targetId: "google", after: { providerKey: "google" } }))).toBe("Ada renewed their google access (token refreshed)")
    expect(say(event("oauth.reconnect_needed", { targetType: "oauth_provider", targetId: "google", after: { providerKey: "google", code: "invalid_grant" } }))).toBe(
      "Ada must reconnect their google account: the provider refused its refresh token",
    )
  })

  it("says who published what to whom, and the review and retention events", () => {
    expect(say(event("app.published", { targetId: APP, after: { releaseNumber: 2, versionNumber: 7, visibility: "teams", teamIds: [DESIGN], reviewId: "r".repeat(24) } }))).toBe(
      "Ada published version 7 of the app Lunch orders to the team Design (review approved) as release 2",
    )
    expect(say(event("app.published", { targetId: APP, after: { releaseNumber: 1, versionNumber: 3, visibility: "workspace", teamIds: [] } }))).toBe(
      "Ada published version 3 of the app Lunch orders to the whole workspace as release 1",
    )
    expect(say(event("app.rolled_back", { targetId: APP, after: { releaseNumber: 3, rolledBackFromNumber: 1 } }))).toBe("Ada rolled the app Lunch orders back to release 1")
    expect(say(event("review.requested", { targetId: APP, after: { visibility: "workspace", teamIds: [] } }))).toBe("Ada asked for a review to publish the app Lunch orders to the whole workspace")
    expect(say(event("audit.events_expired", { targetType: "workspace", after: { deleted: 12 } }))).toBe("Ada deleted 12 audit events past the retention period")
    expect(say(event("audit.retention_changed", { targetType: "workspace", after: { retentionDays: 90 } }))).toBe("Ada set the audit log to keep events for 90 days")
  })

  it("says which runtime settings were turned off and on, in the page's words", () => {
    const all = { scripts: true, clipboard: true, externalLinks: true }
    const changed = (before: object, after: object) => say(event("workspace.runtime_settings_changed", { targetType: "workspace", before: { ...before }, after: { ...after } }))
    expect(changed(all, { ...all, scripts: false })).toBe("Ada turned off Run scripts for the workspace's apps")
    expect(changed({ scripts: true, clipboard: false, externalLinks: false }, all)).toBe("Ada turned on Copy to the clipboard and Open other sites for the workspace's apps")
    expect(changed({ scripts: false, clipboard: true, externalLinks: true }, { scripts: true, clipboard: false, externalLinks: false })).toBe(
      "Ada turned off Copy to the clipboard and Open other sites and turned on Run scripts for the workspace's apps",
    )
    expect(say(event("workspace.runtime_settings_changed", { targetType: "workspace" }))).toBe("Ada changed the runtime settings of the workspace's apps")
  })

  it("has its own sentence for every action the server records", () => {
    // A new AuditAction fails to compile here until it is listed, and then fails until it has a sentence.
    const recorded: Record<AuditAction, true> = {
      "workspace.created": true, "workspace.renamed": true,
      "member.added": true, "member.role_changed": true, "member.removed": true,
      "invitation.created": true, "invitation.resent": true, "invitation.revoked": true, "invitation.accepted": true,
      "team.created": true, "team.renamed": true, "team.deleted": true, "team.member_added": true, "team.member_removed": true,
      "app.created": true, "app.renamed": true, "app.deleted": true, "app.collaborator_added": true, "app.collaborator_removed": true,
      "app.version_restored": true,
      "app.agents_approved": true, "app.agents_revoked": true, "app.agents_approval_cleared": true,
      "agent_run.started": true, "agent_run.cancelled": true, "agent_run.repair_requested": true,
      "tool.executed": true, "tool.mocked": true, "tool.denied": true, "tool.failed": true, "agent.tool_failure_reported": true,
      "integration.provider_saved": true, "integration.provider_deleted": true, "integration.grants_synced": true,
      "integration.secret_set": true, "integration.secret_cleared": true,
      "oauth.connected": true, "oauth.disconnected": true, "oauth.token_refreshed": true, "oauth.reconnect_needed": true,
      "app.published": true, "app.unpublished": true, "app.rolled_back": true,
      "review.requested": true, "review.approved": true, "review.changes_requested": true, "review.superseded": true, "review.withdrawn": true,
      "workspace.runtime_settings_changed": true,
      "audit.retention_changed": true, "audit.events_expired": true, "audit.exported": true,
      "api_token.created": true, "api_token.revoked": true,
    }
    const generic = Object.keys(recorded).filter((action) => say(event(action)).includes("made a change"))
    expect(generic).toEqual([])
  })

  it("an action it does not know yet, readably", () =>
    expect(say(event("team.archived", { targetId: DESIGN }))).toBe("Ada made a change (team archived)"))

  it("marks names (with the email on hover) apart from the words around them", () => {
    const parts = auditSentence(event("member.role_changed", { targetId: BEA, before: { role: "member" }, after: { role: "admin" } }), directory)
    expect(parts).toContainEqual({ name: "Bea", hint: "bea@example.com" })
    expect(parts[0]).toEqual({ name: "Ada", hint: "ada@example.com" })
  })
})

describe("an audit event's details", () => {
  it("labels each field and names people and teams instead of ids", () => {
    const added = event("member.added", { actorUserId: BEA, targetId: BEA, after: { role: "member", source: "local", teamIds: [DESIGN, DELETED_TEAM] } })
    expect(auditFields(added, directory)).toEqual([
      { label: "Role", before: null, after: "member" },
      { label: "Membership", before: null, after: "granted in this workspace" },
      { label: "Teams", before: null, after: "Design, a deleted team" },
    ])
    const deleted = event("team.deleted", { targetId: DELETED_TEAM, before: { name: "Ops", memberIds: [BEA, GONE] } })
    expect(auditFields(deleted, directory)).toEqual([
      { label: "Name", before: "Ops", after: null },
      { label: "Members", before: "Bea (bea@example.com), someone no longer here", after: null },
    ])
  })

  it("shows times as people read them, and ids only as secondary fields", () => {
    const resent = event("invitation.resent", { targetId: INVITE, before: { expiresAt: "2025-03-01T09:30:00.000Z" }, after: { expiresAt: "2025-03-08T09:30:00.000Z" } })
    expect(auditFields(resent, directory)).toEqual([{ label: "Link expires", before: "Mar 1, 2025, 09:30 UTC", after: "Mar 8, 2025, 09:30 UTC" }])
    const renamed = event("app.renamed", { targetId: APP, before: { name: "A" }, after: { name: "B", by: "builder agent", runId: "r".repeat(24) } })
    expect(auditFields(renamed, directory).find((field) => field.label === "Builder run")).toEqual({ label: "Builder run", before: null, after: "r".repeat(24), secondary: true })
  })

  it("turns fields it does not know into words, never JSON", () => {
    const odd = event("app.something", { after: { shareLevel: "team", limits: { maxRows: 10 } } })
    expect(auditFields(odd, directory)).toEqual([
      { label: "Share level", before: null, after: "team" },
      { label: "Limits", before: null, after: "max rows: 10" },
    ])
  })

  it("names what the event was about", () => {
    expect(auditSubject(event("member.removed", { targetId: BEA }), directory)).toEqual({ kind: "Member", name: "Bea", detail: "bea@example.com", id: BEA })
    expect(auditSubject(event("invitation.revoked", { targetId: INVITE }), directory)).toEqual({ kind: "Invitation", name: "bob@example.com", detail: "as member", id: INVITE })
    expect(auditSubject(event("team.deleted", { targetId: DELETED_TEAM, before: { name: "Ops" } }), directory)).toMatchObject({ kind: "Team", name: "Ops" })
  })
})
