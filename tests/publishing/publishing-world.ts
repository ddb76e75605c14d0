// What the publishing tests share: an app of Ada's (a member) in a real SQLite world whose builds
// are reported through the real /api/internal/app-builds route (so every build is a version, as in
// production), Grace as admin, Linus as another member; teams; the audit trail; the events heard;
// and the callers' refusals with their HTTP status and reasonCode.

import { getHTTPStatusCodeFromError } from "@trpc/server/http"
import { TRPCError } from "@trpc/server"
import { expect } from "vitest"
import { exampleAgentsConfig, type LooseJson } from "#shared/agents/agents-config.fixture.ts"
import { agentsConfigHash } from "#shared/agents/canonical-hash.ts"
import { AppError } from "#app/errors.server.ts"
import { workspaceEventsChannel } from "#app/events/workspace-events.server.ts"
import { integrationGrants, type IntegrationGrantDocument } from "#app/integrations/integration-collections.server.ts"
import { auditEvents, type AppDocument, type RunDocument, type UserDocument } from "#app/store/collections.server.ts"
import { integrationGrantDocument } from "#tests/fixtures/integration-grant.ts"
import { builtSource, createVersionWorld, type VersionWorld } from "#tests/fixtures/version-world.ts"

const worlds: VersionWorld[] = []

/** Closes every world the test made (register it with afterEach). */
export async function cleanUp(): Promise<void> {
  for (const world of worlds.splice(0)) await world.close()
}

/** second.json declaring the collection the example agents use. */
const MANIFEST = JSON.stringify({ dataCollections: ["tickets"] })

export interface Refusal {
  readonly code: TRPCError["code"]
  readonly status: number
  readonly reasonCode: string | null
  readonly message: string
}

/** How the call was refused (the test fails if it was not). */
export async function refusal(promise: Promise<unknown>): Promise<Refusal> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(TRPCError)
  const trpc = error as TRPCError
  return {
    code: trpc.code,
    status: getHTTPStatusCodeFromError(trpc),
    reasonCode: trpc.cause instanceof AppError ? trpc.cause.reasonCode : null,
    message: trpc.message,
  }
}

export interface PublishingWorld {
  readonly world: VersionWorld
  readonly app: AppDocument
  readonly creator: UserDocument
  readonly admin: UserDocument
  readonly otherMember: UserDocument
  /** Event types the workspace's channel carried, in order. */
  readonly heard: string[]
  readonly ofApp: { readonly workspaceId: string; readonly appId: string }
  /** A build reported by the app's running turn: `label` names it in src/ and dist/; agents.json as given (null: none). */
  build(label: string, agents?: LooseJson | null): Promise<{ versionId: string; versionNumber: number }>
  /** The admin approves the draft's agents.json as it is now (live). */
  approveAgents(): Promise<string>
  appNow(): Promise<AppDocument>
  audit(action: string): Promise<{ after: Record<string, unknown> | null; before: Record<string, unknown> | null; actorUserId: string | null }[]>
  team(name: string, members: readonly UserDocument[]): Promise<string>
  caller(user: UserDocument): ReturnType<VersionWorld["caller"]>
  /** Runs the check in external (multi-person) auth mode. */
  external(): void
  grant(fields: Partial<IntegrationGrantDocument>): Promise<void>
}

export async function publishingWorld(): Promise<PublishingWorld> {
  const world = await createVersionWorld()
  worlds.push(world)
  const { creator, admin, otherMember } = world.people
  const { app, run } = await world.appInTurn()
  const heard: string[] = []
  await world.services.live.subscribe(workspaceEventsChannel(world.workspaceId), (message) => heard.push(JSON.parse(message).event.type))
  const ofApp = { workspaceId: world.workspaceId, appId: app.id }
  const report = (holder: RunDocument, label: string, agents: LooseJson | null) => ({
    claims: { workspaceId: holder.workspaceId, appId: holder.appId, runId: holder.id, runtime: holder.runtime },
    summary: `Built ${label}`,
    durationMs: 1_000,
    source: builtSource(label, { "second.json": MANIFEST, ...(agents === null ? {} : { "agents.json": JSON.stringify(agents, null, 2) }) }),
  })
  return {
    world,
    app,
    creator,
    admin,
    otherMember,
    heard,
    ofApp,
    async build(label, agents = exampleAgentsConfig()) {
      const response = await world.postBuild(report(run, label, agents))
      expect(response.status).toBe(200)
      return (await response.json()) as { versionId: string; versionNumber: number }
    },
    async approveAgents() {
      const { hash } = await world.caller(admin).agents.overview(ofApp)
      await world.caller(admin).agents.approve({ ...ofApp, expectedHash: hash! })
      return hash!
    },
    appNow: () => world.appNow(app.id),
    async audit(action) {
      const events = await world.services.store.collection(auditEvents).findMany({ workspaceId: world.workspaceId, action }, { sort: [["occurredAt", 1]] })
      return events.map((event) => ({ after: event.after as Record<string, unknown> | null, before: event.before as Record<string, unknown> | null, actorUserId: event.actorUserId }))
    },
    async team(name, members) {
      const team = await world.caller(admin).teams.create({ workspaceId: world.workspaceId, name })
      for (const member of members) await world.caller(admin).teams.addMember({ workspaceId: world.workspaceId, teamId: team.id, userId: member.id })
      return team.id
    },
    caller: (user) => world.caller(user),
    external() {
      ;(world.services.config as { authMode: string }).authMode = "external"
    },
    async grant(fields) {
      await world.services.store.collection(integrationGrants).insert(
        integrationGrantDocument({
          workspaceId: world.workspaceId,
          appId: app.id,
          domain: "example.zendesk.com",
          name: "Zendesk",
          keyName: "Zendesk key",
          secrets: [{ name: "API_TOKEN", label: "API token", description: "From the admin console.", required: true, ref: null, updatedAt: null, updatedByUserId: null }],
          requestedByUserId: creator.id,
          ...fields,
        }),
      )
    },
  }
}

export const exampleHash = () => agentsConfigHash(exampleAgentsConfig())
