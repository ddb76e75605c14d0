// What becomes of an approval of agents.json once given, in-process (real SQLite file, in-process
// live port, tRPC through createCaller with its real authorization; the app and its builder turns
// are governance-world.ts's): the builder editing agents.json (a turn settling through the real
// completion path), making it invalid or removing it clears the approval visibly and audited, and
// so does restoring a version that changes it; the published payload stays as it was published;
// approvals can be revoked by the right people only. Giving and refusing approvals is in
// governance.integration.test.ts.

import { afterEach, describe, expect, it } from "vitest"
import { exampleAgentsConfig, type LooseJson } from "#shared/agents/agents-config.fixture.ts"
import { agentsConfigHash } from "#shared/agents/canonical-hash.ts"
import { newId } from "#shared/ids.ts"
import { effectiveAgentsApproval, findAgentsApproval } from "#app/agents/approvals.server.ts"
import { releaseDraftAgents } from "#tests/publishing/published-release.ts"
import { readDraftAgentsConfig } from "#app/agents/agents-source.server.ts"
import { apps, runs, type RunDocument } from "#app/store/collections.server.ts"
import { buildReport, builtSource } from "#tests/fixtures/version-world.ts"
import { eventually } from "#tests/fixtures/eventually.ts"
import { refusal, settleTurn } from "./agents-turns.ts"
import { agentsOf, cleanUp, editedConfig, given, ids, MANIFEST, trackedWorld } from "./governance-world.ts"

afterEach(cleanUp)

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

describe("restoring an earlier version", () => {
  it("clears an approval of agents.json the restore changed", async () => {
    const world = await trackedWorld()
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
    await releaseDraftAgents(g.world.services, await g.appNow(), g.admin.id)
    expect(await findAgentsApproval(g.world.services, g.app, "published")).toMatchObject({ scope: "published", hash: first, mode: "live" })

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

    await releaseDraftAgents(g.world.services, await g.appNow(), g.admin.id)
    expect((await effectiveAgentsApproval(g.world.services, await g.appNow(), "published"))?.hash).toBe(agentsConfigHash(editedConfig()))

    // Publishing a draft whose agents are not approved leaves the published app with none.
    await g.turn(exampleAgentsConfig())
    await releaseDraftAgents(g.world.services, await g.appNow(), g.admin.id)
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
    await releaseDraftAgents(g.world.services, await g.appNow(), g.admin.id)
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
