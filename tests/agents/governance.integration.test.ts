// Reviewing an app's agents.json, in-process (real SQLite file, in-process live port, tRPC through
// createCaller with its real authorization): a collaborator's approval is mock-only, an admin's is
// live; the builder editing agents.json (a turn settling through the real completion path) clears
// the approval visibly; a stale or invalid review is refused; the published payload stays as it was
// published; approvals can be revoked by the right people only.

import { afterEach, describe, expect, it } from "vitest"
import { exampleAgentsConfig, type LooseJson } from "#shared/agents/agents-config.fixture.ts"
import { agentsConfigHash } from "#shared/agents/canonical-hash.ts"
import { newId } from "#shared/ids.ts"
import { agentsOverview } from "#app/agents/agents-overview.server.ts"
import { effectiveAgentsApproval, publishAgentsApproval } from "#app/agents/approvals.server.ts"
import { readDraftAgentsConfig } from "#app/agents/agents-source.server.ts"
import { AppError } from "#app/errors.server.ts"
import { workspaceEventsChannel } from "#app/events/workspace-events.server.ts"
import { apps, auditEvents, memberships, runs, users, type AppDocument, type RunDocument, type UserDocument } from "#app/store/collections.server.ts"
import { buildReport, builtSource, createVersionWorld, type VersionWorld } from "#tests/fixtures/version-world.ts"
import { eventually } from "#tests/fixtures/eventually.ts"
import { refusal, settleTurn } from "./agents-turns.ts"

const worlds: VersionWorld[] = []
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close()
})

const MANIFEST = JSON.stringify({ dataCollections: ["tickets"] })

/** The app's source with this agents.json (a value is written as JSON; a string as is; null: no file). */
function sourceWith(agents: LooseJson | string | null, extra: Readonly<Record<string, string>> = {}) {
  const files: Record<string, string> = { "second.json": MANIFEST, "src/App.tsx": "export const App = () => null", ...extra }
  if (agents !== null) files["agents.json"] = typeof agents === "string" ? agents : JSON.stringify(agents, null, 2)
  return { files, binaryFiles: {}, skipped: [] }
}

interface Given {
  readonly world: VersionWorld
  readonly app: AppDocument
  readonly creator: UserDocument
  readonly collaborator: UserDocument
  readonly admin: UserDocument
  /** Events the app's builders heard, by type. */
  readonly heard: string[]
  /** A builder turn that ends with this source, settled as the worker reports it. */
  turn(agents: LooseJson | string | null, extra?: Readonly<Record<string, string>>): Promise<RunDocument>
  appNow(): Promise<AppDocument>
  audit(action: string): Promise<{ before: Record<string, unknown> | null; after: Record<string, unknown> | null; actorUserId: string | null }[]>
}

/** An app of Ada's (a member) with Linus as collaborator and Grace as admin, whose first turn wrote agents.json. */
async function given(agents: LooseJson | string | null = exampleAgentsConfig()): Promise<Given> {
  const world = await createVersionWorld()
  worlds.push(world)
  const { creator, admin, otherMember: collaborator } = world.people
  const { app, run } = await world.appInTurn()
  await world.caller(creator).apps.addCollaborator({ workspaceId: world.workspaceId, appId: app.id, userId: collaborator.id })
  const heard: string[] = []
  await world.services.live.subscribe(workspaceEventsChannel(world.workspaceId), (message) => heard.push(JSON.parse(message).event.type))

  const settle = (runId: string, source: ReturnType<typeof sourceWith>) => settleTurn(world, app.id, runId, source, [{ kind: "text", text: "Done." }])
  await settle(run.id, sourceWith(agents))
  return {
    world,
    app,
    creator,
    collaborator,
    admin,
    heard,
    async turn(next, extra = {}) {
      const later: RunDocument = { ...run, id: newId(), status: "running", createdAt: new Date().toISOString(), endedAt: null }
      await world.services.store.collection(runs).insert(later)
      await settle(later.id, sourceWith(next, extra))
      return later
    },
    appNow: () => world.appNow(app.id),
    async audit(action) {
      const events = await world.services.store.collection(auditEvents).findMany({ workspaceId: world.workspaceId, action }, { sort: [["occurredAt", 1]] })
      return events.map((event) => ({ before: event.before as Record<string, unknown> | null, after: event.after as Record<string, unknown> | null, actorUserId: event.actorUserId }))
    },
  }
}

const agentsOf = (g: Given, user: UserDocument) => g.world.caller(user).agents
const ids = (g: Given) => ({ workspaceId: g.world.workspaceId, appId: g.app.id })

/** The example with one tool pointed elsewhere: an effective change. */
function editedConfig(): LooseJson {
  const config = exampleAgentsConfig()
  config.agents[0].tools[0].endpoint.url = "https://example.zendesk.com/api/v2/tickets/{{input.ticketId}}/comments"
  return config
}

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

describe("an edit of agents.json by the builder", () => {
  it("clears the approval visibly, with an audit event, until someone approves again", async () => {
    const g = await given()
    const first = agentsConfigHash(exampleAgentsConfig())
    await agentsOf(g, g.admin).approve({ ...ids(g), expectedHash: first })

    // A turn that leaves agents.json as it was (reformatted, a UI hint toggled) keeps the approval.
    const reformatted = exampleAgentsConfig()
    reformatted.agents[0].tools[0].recommended = false
    await g.turn(reformatted, { "src/App.tsx": "export const App = () => 'changed'" })
    expect((await effectiveAgentsApproval(g.world.services, await g.appNow(), "draft"))?.mode).toBe("live")
    expect(await g.audit("app.agents_approval_cleared")).toEqual([])

    const edit = await g.turn(editedConfig())
    const second = agentsConfigHash(editedConfig())
    expect(await effectiveAgentsApproval(g.world.services, await g.appNow(), "draft")).toBeNull()
    const seen = await agentsOf(g, g.admin).overview(ids(g))
    expect(seen.hash).toBe(second)
    expect(seen.changedSinceApproval).toBe(true)
    expect(seen.draftApproval).toMatchObject({ mode: "live", hash: first, effective: false, cleared: { reason: `The builder changed agents.json in run ${edit.id}`, revokedBy: null } })
    expect(seen.viewer.canApprove).toBe(true)
    expect(seen.diff.approved).toContain('"url": "https://example.zendesk.com/api/v2/tickets/{{input.ticketId}}"')
    expect(seen.diff.current).toContain('"url": "https://example.zendesk.com/api/v2/tickets/{{input.ticketId}}/comments"')

    expect(await g.audit("app.agents_approval_cleared")).toEqual([
      { actorUserId: g.creator.id, before: { hash: first, mode: "live" }, after: { hash: second, agentsFile: "changed", by: "builder agent", runId: edit.id } },
    ])
    await eventually(() => g.heard.filter((type) => type === "app.agents.changed").length >= 2)

    // Putting the approved text back does not bring a cleared approval back: it must be approved again.
    await g.turn(exampleAgentsConfig())
    expect(await effectiveAgentsApproval(g.world.services, await g.appNow(), "draft")).toBeNull()
    expect(await g.audit("app.agents_approval_cleared")).toHaveLength(1)

    await agentsOf(g, g.admin).approve({ ...ids(g), expectedHash: first })
    expect((await effectiveAgentsApproval(g.world.services, await g.appNow(), "draft"))?.mode).toBe("live")
  })

  it("clears it too when agents.json becomes invalid or is removed, saying which", async () => {
    const g = await given()
    await agentsOf(g, g.collaborator).approve({ ...ids(g), expectedHash: agentsConfigHash(exampleAgentsConfig()) })
    await g.turn("{ broken")
    expect((await g.audit("app.agents_approval_cleared")).map((event) => event.after?.["agentsFile"])).toEqual(["invalid"])

    await agentsOf(g, g.collaborator).approve({ ...ids(g), expectedHash: agentsConfigHash(exampleAgentsConfig()) }).catch(() => undefined)
    await g.turn(exampleAgentsConfig())
    await agentsOf(g, g.collaborator).approve({ ...ids(g), expectedHash: agentsConfigHash(exampleAgentsConfig()) })
    await g.turn(null)
    const cleared = await g.audit("app.agents_approval_cleared")
    expect(cleared.map((event) => [event.after?.["agentsFile"], event.after?.["hash"]])).toEqual([
      ["invalid", null],
      ["removed", null],
    ])
    expect(await readDraftAgentsConfig(g.world.services, await g.appNow())).toMatchObject({ present: false, hash: null })
  })
})

describe("agents.json nested too deeply to hash", () => {
  it("is invalid, not a crash: the page names the path, nothing runs, and a standing approval is cleared and audited", async () => {
    const g = await given()
    const first = agentsConfigHash(exampleAgentsConfig())
    await agentsOf(g, g.admin).approve({ ...ids(g), expectedHash: first })
    // About 12 KB: mock data 6,000 levels deep.
    const config = exampleAgentsConfig()
    config.agents[0].tools[0].mockData = ["__DEEP__"]
    const deep = JSON.stringify(config).replace('"__DEEP__"', `${"[".repeat(6_000)}1${"]".repeat(6_000)}`)
    const edit = await g.turn(deep)

    expect(await g.audit("app.agents_approval_cleared")).toEqual([
      { actorUserId: g.creator.id, before: { hash: first, mode: "live" }, after: { hash: null, agentsFile: "invalid", by: "builder agent", runId: edit.id } },
    ])
    expect(await effectiveAgentsApproval(g.world.services, await g.appNow(), "draft")).toBeNull()
    const seen = await agentsOf(g, g.admin).overview(ids(g))
    expect(seen).toMatchObject({ present: true, hash: null, summary: null, changedSinceApproval: true })
    expect(seen.problems).toEqual([{ path: "agents[0].tools[0].mockData[0]", message: "nests arrays and objects more than 32 levels deep; flatten it to at most 32 levels" }])
    const error = await refusal(agentsOf(g, g.admin).approve({ ...ids(g), expectedHash: first }))
    expect(error.code).toBe("BAD_REQUEST")
    expect(error.message).toContain("agents[0].tools[0].mockData[0]: nests arrays and objects more than 32 levels deep")
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

describe("restoring an earlier version", () => {
  it("clears an approval of agents.json the restore changed", async () => {
    const world = await createVersionWorld()
    worlds.push(world)
    const { app, run } = await world.appInTurn()
    const agentsFiles = (config: LooseJson) => ({ "second.json": MANIFEST, "agents.json": JSON.stringify(config) })
    const build = async (turn: RunDocument, label: string, config: LooseJson) => {
      const report = { ...buildReport(turn, label), source: builtSource(label, agentsFiles(config)) }
      expect((await world.postBuild(report)).status).toBe(200)
      await settleTurn(world, app.id, turn.id, report.source)
    }
    await build(run, "one", exampleAgentsConfig())
    const second: RunDocument = { ...run, id: newId(), status: "running", createdAt: new Date().toISOString(), endedAt: null }
    await world.services.store.collection(runs).insert(second)
    await world.services.store.collection(apps).updateOne({ id: app.id }, { activeRunId: second.id })
    await build(second, "two", editedConfig())

    const admin = world.caller(world.people.admin)
    const ofApp = { workspaceId: world.workspaceId, appId: app.id }
    await admin.agents.approve({ ...ofApp, expectedHash: agentsConfigHash(editedConfig()) })
    const [first] = await admin.versions.list(ofApp).then((listed) => listed.versions.filter((version) => version.number === 1))
    await admin.versions.restore({ ...ofApp, versionId: first!.id })

    expect(await effectiveAgentsApproval(world.services, await world.appNow(app.id), "draft")).toBeNull()
    const seen = await admin.agents.overview(ofApp)
    expect(seen.hash).toBe(agentsConfigHash(exampleAgentsConfig()))
    expect(seen.draftApproval?.cleared?.reason).toBe("Restoring version 1 changed agents.json")
  })
})

describe("the published approval", () => {
  it("keeps the payload it was published with, whatever the draft does next", async () => {
    const g = await given()
    const first = agentsConfigHash(exampleAgentsConfig())
    await agentsOf(g, g.admin).approve({ ...ids(g), expectedHash: first })
    const published = await publishAgentsApproval(g.world.services, await g.appNow(), g.admin.id)
    expect(published).toMatchObject({ scope: "published", hash: first, mode: "live" })

    await g.turn(editedConfig())
    expect(await effectiveAgentsApproval(g.world.services, await g.appNow(), "draft")).toBeNull()
    const running = await effectiveAgentsApproval(g.world.services, await g.appNow(), "published")
    expect(running).toMatchObject({ mode: "live", hash: first, approvedByUserId: g.admin.id })
    expect(running?.config).toEqual(JSON.parse(JSON.stringify(exampleAgentsConfig())))

    // Approving the edit changes the draft only, until the app is published again.
    await agentsOf(g, g.admin).approve({ ...ids(g), expectedHash: agentsConfigHash(editedConfig()) })
    expect((await effectiveAgentsApproval(g.world.services, await g.appNow(), "published"))?.hash).toBe(first)
    const seen = await agentsOf(g, g.admin).overview(ids(g))
    expect(seen.publishedApproval).toMatchObject({ hash: first, effective: true })
    expect(seen.draftApproval).toMatchObject({ hash: agentsConfigHash(editedConfig()), effective: true })

    await publishAgentsApproval(g.world.services, await g.appNow(), g.admin.id)
    expect((await effectiveAgentsApproval(g.world.services, await g.appNow(), "published"))?.hash).toBe(agentsConfigHash(editedConfig()))

    // Publishing a draft whose agents are not approved leaves the published app with none.
    await g.turn(exampleAgentsConfig())
    expect(await publishAgentsApproval(g.world.services, await g.appNow(), g.admin.id)).toBeNull()
    expect(await effectiveAgentsApproval(g.world.services, await g.appNow(), "published")).toBeNull()
  })
})

describe("revoking an approval", () => {
  it("is for owners and admins, or the builder who gave a mock-only one", async () => {
    const g = await given()
    const hash = agentsConfigHash(exampleAgentsConfig())
    await agentsOf(g, g.collaborator).approve({ ...ids(g), expectedHash: hash })
    // Another builder may not take back Linus's approval; Linus may.
    expect((await refusal(agentsOf(g, g.creator).revoke(ids(g)))).code).toBe("FORBIDDEN")
    const revoked = await agentsOf(g, g.collaborator).revoke(ids(g))
    expect(revoked.draftApproval).toMatchObject({ mode: "mock", effective: false, cleared: { reason: "Revoked by Linus", revokedBy: "Linus" } })
    expect(await effectiveAgentsApproval(g.world.services, await g.appNow(), "draft")).toBeNull()
    expect((await refusal(agentsOf(g, g.collaborator).revoke(ids(g)))).code).toBe("CONFLICT")

    await agentsOf(g, g.admin).approve({ ...ids(g), expectedHash: hash })
    expect((await refusal(agentsOf(g, g.collaborator).revoke(ids(g)))).code).toBe("FORBIDDEN")
    await publishAgentsApproval(g.world.services, await g.appNow(), g.admin.id)
    await agentsOf(g, g.admin).revoke({ ...ids(g), slot: "published" })
    expect(await effectiveAgentsApproval(g.world.services, await g.appNow(), "published")).toBeNull()
    expect((await effectiveAgentsApproval(g.world.services, await g.appNow(), "draft"))?.mode).toBe("live")
    await agentsOf(g, g.admin).revoke(ids(g))
    expect(await effectiveAgentsApproval(g.world.services, await g.appNow(), "draft")).toBeNull()

    expect((await g.audit("app.agents_revoked")).map((event) => [event.actorUserId, event.before?.["scope"], event.before?.["mode"]])).toEqual([
      [g.collaborator.id, "draft", "mock"],
      [g.admin.id, "published", "live"],
      [g.admin.id, "draft", "live"],
    ])
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
