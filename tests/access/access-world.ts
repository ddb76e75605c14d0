// The people and apps of the access matrix, made through the public API where it can and in the
// store where a real build or publish needs an agent (as tests/authorization/app-fixtures.ts
// does). Workspace W has: an admin; the creator of every app (a member); a collaborator on every
// app; a member of team T; a member of another team only; and someone of another workspace. The
// apps, all built once with agents (approved mock-only by their creator): one never published,
// one published to the whole workspace, one published to team T.

import { exampleAgentsConfig } from "#shared/agents/agents-config.fixture.ts"
import { agentsConfigHash } from "#shared/agents/canonical-hash.ts"
import { newId } from "#shared/ids.ts"
import type { Visibility } from "#shared/publishing/publishing.ts"
import { agentsApprovals } from "#app/agents/agent-approval-collections.server.ts"
import { appReleases } from "#app/publishing/publishing-collections.server.ts"
import { apps, appVersions, snapshots } from "#app/store/collections.server.ts"
import { makeApp } from "#tests/authorization/app-fixtures.ts"
import { World } from "#tests/authorization/world.ts"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import type { SecondServer } from "#tests/fixtures/second-server.ts"

export const PEOPLE = ["admin", "creator", "collaborator", "teamMember", "otherMember", "otherWorkspace", "signedOut"] as const
export type PersonKey = (typeof PEOPLE)[number]

export const APPS = ["draft", "workspace", "team"] as const
export type AppKey = (typeof APPS)[number]

export interface AccessApp {
  readonly key: AppKey
  readonly appId: string
  readonly versionId: string
  /** The creator's first builder run (ended: it failed at start-up, as no runtime is usable here). */
  readonly builderRunId: string
  /** A draft agent run the creator triggered (and cancelled). */
  readonly draftAgentRunId: string
  /** A published agent run the creator triggered (and cancelled); the draft one for the app never published. */
  readonly creatorPublishedRunId: string
  readonly agentsHash: string
}

/** The builders of every app: its creator, its collaborator, and the admin. */
export const BUILDERS: readonly PersonKey[] = ["admin", "creator", "collaborator"]

/** Who may use each app's published release (builders always). */
export const USERS: Readonly<Record<AppKey, readonly PersonKey[]>> = {
  draft: BUILDERS,
  workspace: [...BUILDERS, "teamMember", "otherMember"],
  team: [...BUILDERS, "teamMember"],
}

const AGENT_ID = "ticket-triage"

export class AccessWorld {
  readonly base: World
  readonly people: Readonly<Record<PersonKey, HttpPerson>>
  readonly apps: Readonly<Record<AppKey, AccessApp>>
  readonly teamId: string
  readonly #ownRuns = new Map<string, Promise<string | null>>()

  constructor(base: World, people: Record<PersonKey, HttpPerson>, made: Record<AppKey, AccessApp>, teamId: string) {
    this.base = base
    this.people = people
    this.apps = made
    this.teamId = teamId
  }

  get workspaceId(): string {
    return this.base.workspaceId
  }

  static async build(server: SecondServer): Promise<AccessWorld> {
    const base = await World.build(server)
    const creator = (await base.join("member")).person
    const collaborator = await base.join("member")
    const teamMember = await base.join("member")
    const otherMember = await base.join("member")
    const teamId = await base.team([teamMember.userId])
    // otherMember is in a team too, only not T: "in some team" must never pass for "in the audience".
    await base.team([otherMember.userId])
    const people: Record<PersonKey, HttpPerson> = {
      admin: base.as("admin"),
      creator,
      collaborator: collaborator.person,
      teamMember: teamMember.person,
      otherMember: otherMember.person,
      otherWorkspace: base.as("outsider"),
      signedOut: new HttpPerson(server.url),
    }
    const audiences: Record<AppKey, { visibility: Visibility; teamIds: string[] } | null> = {
      draft: null,
      workspace: { visibility: "workspace", teamIds: [] },
      team: { visibility: "teams", teamIds: [teamId] },
    }
    const made = {} as Record<AppKey, AccessApp>
    for (const key of APPS) made[key] = await makeAccessApp(base, key, creator, collaborator.userId, audiences[key])
    return new AccessWorld(base, people, made, teamId)
  }

  /**
   * A published agent run this person triggered in the app (made once, then cancelled so the app's
   * active places stay free); null when they may not trigger one there.
   */
  ownPublishedRun(person: PersonKey, app: AppKey): Promise<string | null> {
    const key = `${person}:${app}`
    let run = this.#ownRuns.get(key)
    if (!run) {
      run = this.triggerAndCancel(person, app, "published")
      this.#ownRuns.set(key, run)
    }
    return run
  }

  /** Triggers the app's agent as the person and cancels the run; the run's id, or null when refused. */
  async triggerAndCancel(person: PersonKey, app: AppKey, scope: "draft" | "published"): Promise<string | null> {
    const who = this.people[person]
    const reply = await who.mutate<{ result: { data: { runId: string } } }>("agentRuns.trigger", {
      workspaceId: this.workspaceId,
      appId: this.apps[app].appId,
      agentId: AGENT_ID,
      prompt: "Triage ticket 42",
      scope,
    })
    if (reply.status !== 200) return null
    const runId = reply.body.result.data.runId
    await who.must("mutation", "agentRuns.cancel", { workspaceId: this.workspaceId, runId })
    return runId
  }

  /** A document the admin (a builder of every app) put in the app's data of that scope. */
  async document(app: AppKey, scope: "draft" | "published"): Promise<string> {
    const { id } = await this.people.admin.must<{ id: string }>("mutation", "appData.insert", {
      workspaceId: this.workspaceId,
      appId: this.apps[app].appId,
      scope,
      collection: "notes",
      data: { title: "Seeded" },
    })
    return id
  }
}

async function makeAccessApp(
  world: World,
  key: AppKey,
  creator: HttpPerson,
  collaboratorId: string,
  audience: { visibility: Visibility; teamIds: string[] } | null,
): Promise<AccessApp> {
  const { appId, runId } = await makeApp(world, creator)
  await creator.must("mutation", "apps.addCollaborator", { workspaceId: world.workspaceId, appId, userId: collaboratorId })
  const config = exampleAgentsConfig()
  const agentsHash = agentsConfigHash(config)
  const versionId = await storeBuild(world, appId, runId, config)
  await creator.must("mutation", "agents.approve", { workspaceId: world.workspaceId, appId, expectedHash: agentsHash })
  if (audience) await storeRelease(world, appId, versionId, config, agentsHash, audience)
  const app: AccessApp = { key, appId, versionId, builderRunId: runId, draftAgentRunId: "", creatorPublishedRunId: "", agentsHash }
  const trigger = async (scope: "draft" | "published") => {
    const reply = await creator.mutate<{ result: { data: { runId: string } } }>("agentRuns.trigger", { workspaceId: world.workspaceId, appId, agentId: AGENT_ID, prompt: "Triage", scope })
    if (reply.status !== 200) throw new Error(`the creator could not trigger a ${scope} run in the ${key} app: ${reply.status} ${JSON.stringify(reply.body)}`)
    const id = reply.body.result.data.runId
    await creator.must("mutation", "agentRuns.cancel", { workspaceId: world.workspaceId, runId: id })
    return id
  }
  const draftAgentRunId = await trigger("draft")
  return { ...app, draftAgentRunId, creatorPublishedRunId: audience ? await trigger("published") : draftAgentRunId }
}

/** Version 1 of the app: a built page and its agents, stored as a settled turn stores them. */
async function storeBuild(world: World, appId: string, runId: string, config: unknown): Promise<string> {
  const store = await world.server.openStore()
  try {
    const app = (await store.collection(apps).findOne({ id: appId }))!
    const at = new Date().toISOString()
    const files = {
      "dist/index.html": `<!doctype html><title>${app.name}</title><p>Hello from version 1</p>`,
      "second.json": JSON.stringify({ dataCollections: ["tickets", "notes"] }),
      "agents.json": JSON.stringify(config),
    }
    const snapshotId = newId()
    await store.collection(snapshots).insert({
      id: snapshotId,
      workspaceId: app.workspaceId,
      appId,
      runId,
      files,
      binaryFiles: {},
      fileCount: 3,
      sizeBytes: Object.values(files).reduce((total, text) => total + text.length, 0),
      hash: `access-${appId}`,
      createdAt: at,
    })
    const versionId = newId()
    await store.collection(appVersions).insert({
      id: versionId,
      workspaceId: app.workspaceId,
      appId,
      number: 1,
      snapshotId,
      runId,
      requestedByUserId: app.createdByUserId,
      message: app.prompt,
      summary: "Built version 1",
      restoredFromNumber: null,
      createdAt: at,
    })
    await store.collection(apps).updateOne({ id: appId }, { lastVersionNumber: 1, currentVersionId: versionId, currentVersionNumber: 1, snapshotId })
    return versionId
  } finally {
    await store.close()
  }
}

/**
 * Release 1 of version 1, with the draft's agents (mock-only, as its creator approved them), and
 * the app switched to it in one update, as publishing does (app/publishing).
 */
async function storeRelease(
  world: World,
  appId: string,
  versionId: string,
  config: unknown,
  agentsHash: string,
  audience: { visibility: Visibility; teamIds: string[] },
): Promise<void> {
  const store = await world.server.openStore()
  try {
    const app = (await store.collection(apps).findOne({ id: appId }))!
    const version = (await store.collection(appVersions).findOne({ id: versionId }))!
    const at = new Date().toISOString()
    const payloadJson = JSON.stringify(config)
    const releaseId = newId()
    await store.collection(appReleases).insert({
      id: releaseId,
      workspaceId: app.workspaceId,
      appId,
      number: 1,
      versionId,
      versionNumber: 1,
      snapshotId: version.snapshotId,
      agentsHash,
      agentsPayloadJson: payloadJson,
      agentsMode: "mock",
      agentsApprovedByUserId: app.createdByUserId,
      agentsApprovedAt: at,
      visibility: audience.visibility,
      teamIds: audience.teamIds,
      publishedByUserId: app.createdByUserId,
      reviewId: null,
      rolledBackFromNumber: null,
      createdAt: at,
    })
    await store.collection(agentsApprovals).insert({
      id: newId(),
      workspaceId: app.workspaceId,
      appId,
      scope: "published",
      hash: agentsHash,
      payloadJson,
      mode: "mock",
      approvedByUserId: app.createdByUserId,
      approvedAt: at,
      clearedAt: null,
      clearedReason: null,
      clearedHash: null,
      revokedByUserId: null,
    })
    await store
      .collection(apps)
      .updateOne({ id: appId }, { visibility: audience.visibility, visibleTeamIds: audience.teamIds, publishedReleaseId: releaseId, lastReleaseNumber: 1 })
  } finally {
    await store.close()
  }
}
