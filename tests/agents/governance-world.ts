// What the agents.json governance tests share: an app of Ada's with Linus as collaborator and Grace
// as admin whose builder turns settle through the real completion path (agents-turns.ts) with the
// agents.json a test gives, what the app's builders heard, its audit trail, and the worlds made,
// closed by cleanUp (register it with afterEach).

import { exampleAgentsConfig, type LooseJson } from "#shared/agents/agents-config.fixture.ts"
import { newId } from "#shared/ids.ts"
import { workspaceEventsChannel } from "#app/events/workspace-events.server.ts"
import { auditEvents, runs, type AppDocument, type RunDocument, type UserDocument } from "#app/store/collections.server.ts"
import { createVersionWorld, type VersionWorld } from "#tests/fixtures/version-world.ts"
import { settleTurn } from "./agents-turns.ts"

const worlds: VersionWorld[] = []

/** Closes every world the test made (register it with afterEach). */
export async function cleanUp(): Promise<void> {
  for (const world of worlds.splice(0)) await world.close()
}

/** A fresh world, closed by cleanUp. */
export async function trackedWorld(): Promise<VersionWorld> {
  const world = await createVersionWorld()
  worlds.push(world)
  return world
}

/** The app's second.json: it declares the tickets collection the example agents use. */
export const MANIFEST = JSON.stringify({ dataCollections: ["tickets"] })

/** The app's source with this agents.json (a value is written as JSON; a string as is; null: no file). */
function sourceWith(agents: LooseJson | string | null, extra: Readonly<Record<string, string>> = {}) {
  const files: Record<string, string> = { "second.json": MANIFEST, "src/App.tsx": "export const App = () => null", ...extra }
  if (agents !== null) files["agents.json"] = typeof agents === "string" ? agents : JSON.stringify(agents, null, 2)
  return { files, binaryFiles: {}, skipped: [] }
}

export interface Given {
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
export async function given(agents: LooseJson | string | null = exampleAgentsConfig()): Promise<Given> {
  const world = await trackedWorld()
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

/** The agents router as `user` calls it, and the ids that name the app to it. */
export const agentsOf = (g: Given, user: UserDocument) => g.world.caller(user).agents
export const ids = (g: Given) => ({ workspaceId: g.world.workspaceId, appId: g.app.id })

/** The example with one tool pointed elsewhere: an effective change. */
export function editedConfig(): LooseJson {
  const config = exampleAgentsConfig()
  config.agents[0].tools[0].endpoint.url = "https://example.zendesk.com/api/v2/tickets/{{input.ticketId}}/comments"
  return config
}
