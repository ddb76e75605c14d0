// Reviewing an app's agents.json, in-process (real SQLite file, in-process live port, tRPC through
// createCaller with its real authorization; the app and its builder turns are governance-world.ts's):
// a collaborator's approval is mock-only, an admin's is live; a stale, invalid or missing
// agents.json is refused, and so is anyone who is not one of the app's builders; after a
// collaborator's mock approval the admin reviews every change since the last live one; the Agents
// page's overview. Clearing, restoring, publishing and revoking are in
// governance-clearing.integration.test.ts.

import { afterEach, describe, expect, it } from "vitest"
import { exampleAgentsConfig } from "#shared/agents/agents-config.fixture.ts"
import { agentsConfigHash } from "#shared/agents/canonical-hash.ts"
import { newId } from "#shared/ids.ts"
import { agentsOverview } from "#app/agents/agents-overview.server.ts"
import { effectiveAgentsApproval } from "#app/agents/approvals.server.ts"
import { AppError } from "#app/errors.server.ts"
import { memberships, users, type UserDocument } from "#app/store/collections.server.ts"
import { eventually } from "#tests/fixtures/eventually.ts"
import { refusal } from "./agents-turns.ts"
import { agentsOf, cleanUp, editedConfig, given, ids } from "./governance-world.ts"

afterEach(cleanUp)

describe("approving agents.json", () => {
  it("by a collaborator makes the tools mock-only; by an admin, live", async () => {
    const g = await given()
    const seen = await agentsOf(g, g.collaborator).overview(ids(g))
    expect(seen.present).toBe(true)
    expect(seen.problems).toEqual([])
    expect(seen.hash).toBe(agentsConfigHash(exampleAgentsConfig()))
    expect(seen.summary?.agents.map((agent) => agent.id)).toEqual(["ticket-triage", "researcher"])
    expect(seen.summary?.domains).toEqual(["example.zendesk.com", "googleapis.com", "notes.example.com"])
    expect(seen.viewer).toEqual({ canApprove: true, approveMode: "mock", canRevoke: false, canRevokePublished: false })
    expect(seen.draftApproval).toBeNull()
    expect(await effectiveAgentsApproval(g.world.services, await g.appNow(), "draft")).toBeNull()

    const mock = await agentsOf(g, g.collaborator).approve({ ...ids(g), expectedHash: seen.hash! })
    expect(mock.draftApproval).toMatchObject({ mode: "mock", by: "Linus", effective: true, cleared: null })
    expect(mock.viewer).toMatchObject({ canApprove: false, canRevoke: true })
    expect(await effectiveAgentsApproval(g.world.services, await g.appNow(), "draft")).toMatchObject({ mode: "mock", hash: seen.hash, approvedByUserId: g.collaborator.id })

    // The admin sees that their approval would make it live, and does.
    expect((await agentsOf(g, g.admin).overview(ids(g))).viewer).toMatchObject({ canApprove: true, approveMode: "live", canRevoke: true })
    const live = await agentsOf(g, g.admin).approve({ ...ids(g), expectedHash: seen.hash! })
    expect(live.draftApproval).toMatchObject({ mode: "live", by: "Grace", effective: true })
    const effective = await effectiveAgentsApproval(g.world.services, await g.appNow(), "draft")
    expect(effective).toMatchObject({ mode: "live", hash: seen.hash, approvedByUserId: g.admin.id })
    expect(effective?.config.agents[0]?.tools[0]).toMatchObject({ name: "get_ticket" })

    // A later mock approval of the same agents does not take live back.
    await agentsOf(g, g.collaborator).approve({ ...ids(g), expectedHash: seen.hash! })
    expect((await effectiveAgentsApproval(g.world.services, await g.appNow(), "draft"))?.mode).toBe("live")

    const approvals = await g.audit("app.agents_approved")
    expect(approvals.map((event) => [event.actorUserId, event.after])).toEqual([
      [g.collaborator.id, { hash: seen.hash, mode: "mock" }],
      [g.admin.id, { hash: seen.hash, mode: "live" }],
    ])
    expect(JSON.stringify(approvals)).not.toContain("You triage support tickets")
    await eventually(() => g.heard.filter((type) => type === "app.agents.changed").length >= 2)
  })

  it("is refused with 409 agents_changed when the draft moved on since the person looked", async () => {
    const g = await given()
    const looked = await agentsOf(g, g.admin).overview(ids(g))
    await g.turn(editedConfig())
    const error = await refusal(agentsOf(g, g.admin).approve({ ...ids(g), expectedHash: looked.hash! }))
    expect(error.code).toBe("CONFLICT")
    expect(error.message).toBe("The agents changed since you looked: review them again.")
    expect(error.cause).toBeInstanceOf(AppError)
    expect((error.cause as AppError).reasonCode).toBe("agents_changed")
    expect(await g.audit("app.agents_approved")).toEqual([])
  })

  it("is refused with 400 naming each problem's path while agents.json is invalid, and shows those problems", async () => {
    const broken = exampleAgentsConfig()
    broken.agents[0].tools[0].endpoint.url = "http://example.zendesk.com/tickets"
    broken.agents[0].dataCollections = ["tickets", "orders"]
    const g = await given(broken)
    const seen = await agentsOf(g, g.admin).overview(ids(g))
    expect(seen.hash).toBeNull()
    expect(seen.summary).toBeNull()
    expect(seen.viewer.canApprove).toBe(false)
    expect(seen.problems.map((problem) => problem.path)).toEqual(expect.arrayContaining(["agents[0].tools[0].endpoint.url", "agents[0].dataCollections[1]"]))
    expect(seen.diff.current).toContain("http://example.zendesk.com/tickets")

    const error = await refusal(agentsOf(g, g.admin).approve({ ...ids(g), expectedHash: agentsConfigHash(exampleAgentsConfig()) }))
    expect(error.code).toBe("BAD_REQUEST")
    expect(error.message).toContain("agents[0].tools[0].endpoint.url:")
    expect(error.message).toContain("agents[0].dataCollections[1]:")

    const unreadable = await given("{ not json")
    const parseError = await refusal(agentsOf(unreadable, unreadable.admin).approve({ ...ids(unreadable), expectedHash: agentsConfigHash(exampleAgentsConfig()) }))
    expect(parseError.message).toContain("$: agents.json is not valid JSON")
  })

  it("is refused without agents.json, and for a malformed hash", async () => {
    const g = await given(null)
    expect(await agentsOf(g, g.admin).overview(ids(g))).toMatchObject({ present: false, hash: null, diff: { approved: null, current: null } })
    const error = await refusal(agentsOf(g, g.admin).approve({ ...ids(g), expectedHash: agentsConfigHash(exampleAgentsConfig()) }))
    expect([error.code, error.message]).toEqual(["BAD_REQUEST", "This app has no agents.json to approve: ask the builder to declare its agents first."])
    const malformed = await refusal(agentsOf(g, g.admin).approve({ ...ids(g), expectedHash: "sha256:abc" }))
    expect(malformed.code).toBe("BAD_REQUEST")
  })

  it("is the app's builders' business: others in the workspace and outsiders are told it does not exist", async () => {
    const g = await given()
    // A member of the workspace who is not one of the app's builders.
    const at = new Date().toISOString()
    const other: UserDocument = { id: newId(), email: "nina@example.com", emailNormalized: "nina@example.com", displayName: "Nina", createdAt: at, updatedAt: at }
    await g.world.services.store.collection(users).insert(other)
    await g.world.services.store.collection(memberships).insert({ id: newId(), workspaceId: g.world.workspaceId, userId: other.id, role: "member", source: "local", createdAt: at, updatedAt: at })
    const hash = agentsConfigHash(exampleAgentsConfig())
    for (const who of [g.world.people.outsider, other]) {
      const error = await refusal(agentsOf(g, who).approve({ ...ids(g), expectedHash: hash }))
      expect(error.code).toBe("NOT_FOUND")
    }
    // The outsider in their own workspace: the app is not there either.
    const elsewhere = await refusal(g.world.caller(g.world.people.outsider).agents.overview({ workspaceId: g.world.outsiderWorkspaceId, appId: g.app.id }))
    expect(elsewhere.code).toBe("NOT_FOUND")
  })
})

describe("a collaborator's mock approval after a live one", () => {
  it("keeps the last live approval, so the admin reviews every change since it before approving live", async () => {
    const g = await given()
    await agentsOf(g, g.admin).approve({ ...ids(g), expectedHash: agentsConfigHash(exampleAgentsConfig()) })
    await g.turn(editedConfig())
    const edited = agentsConfigHash(editedConfig())
    await agentsOf(g, g.collaborator).approve({ ...ids(g), expectedHash: edited })

    const seen = await agentsOf(g, g.admin).overview(ids(g))
    expect(seen.draftApproval).toMatchObject({ mode: "mock", by: "Linus", effective: true })
    expect(seen.viewer).toMatchObject({ canApprove: true, approveMode: "live" })
    expect(seen.diff.since).toBe("live-approval")
    expect(seen.diff.approved).toContain('"url": "https://example.zendesk.com/api/v2/tickets/{{input.ticketId}}"')
    expect(seen.diff.current).toContain('"url": "https://example.zendesk.com/api/v2/tickets/{{input.ticketId}}/comments"')
    // The collaborator compares with the approval they gave.
    const theirs = await agentsOf(g, g.collaborator).overview(ids(g))
    expect(theirs.diff.since).toBe("approval")
    expect(theirs.diff.approved).toBe(theirs.diff.current)

    // Another edit and another mock approval keep the same live baseline.
    const again = editedConfig()
    again.agents[0].systemPrompt = "You triage support tickets, urgent ones first."
    await g.turn(again)
    await agentsOf(g, g.collaborator).approve({ ...ids(g), expectedHash: agentsConfigHash(again) })
    const later = await agentsOf(g, g.admin).overview(ids(g))
    expect(later.diff.approved).toContain('"url": "https://example.zendesk.com/api/v2/tickets/{{input.ticketId}}"')
    expect(later.diff.approved).toContain('"systemPrompt": "You triage support tickets."')
    expect(later.diff.current).toContain("urgent ones first")

    // Once the admin approves live, that is the baseline.
    const live = await agentsOf(g, g.admin).approve({ ...ids(g), expectedHash: agentsConfigHash(again) })
    expect(live.draftApproval).toMatchObject({ mode: "live", by: "Grace" })
    expect(live.diff).toMatchObject({ since: "approval" })
    expect(live.diff.approved).toBe(live.diff.current)
  })

  it("shows the admin the whole configuration as new when nothing was ever approved live", async () => {
    const g = await given()
    await agentsOf(g, g.collaborator).approve({ ...ids(g), expectedHash: agentsConfigHash(exampleAgentsConfig()) })
    const seen = await agentsOf(g, g.admin).overview(ids(g))
    expect(seen.diff).toMatchObject({ approved: null, since: "live-approval" })
    expect(seen.diff.current).toContain('"id": "ticket-triage"')
  })
})

describe("the Agents page's overview", () => {
  it("answers the page in one call", async () => {
    const g = await given()
    const scope = { user: g.admin, workspace: { id: g.world.workspaceId }, membership: { role: "admin" } } as unknown as Parameters<typeof agentsOverview>[1]
    const seen = await agentsOverview(g.world.services, scope, g.app.id)
    expect(Object.keys(seen).sort()).toEqual(
      ["appId", "changedSinceApproval", "diff", "draftApproval", "hash", "present", "problems", "publishedApproval", "summary", "viewer"].sort(),
    )
    // The current text is the canonical form: sorted keys, defaults written out, UI-only fields gone.
    expect(seen.diff.current).not.toContain("recommended")
    expect(seen.diff.current).toContain('"keySlug": "default"')
  })
})
