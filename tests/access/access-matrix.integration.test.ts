// The access matrix: every route and procedure that returns app content, asked by each kind of
// person about each kind of app, over HTTP against the built server (NEEDS `npm run build`).
// People: an admin, the apps' creator, a collaborator, a member of the target team, a member of
// another team, someone of another workspace, and the signed out. Apps: a draft never published,
// one published to the workspace, one published to the team. The rule under test
// (app/apps/app-access.server.ts): builders (admin, creator, collaborator) reach everything;
// others only the published release and its data, agents and tools, and only when it is
// published to them; anyone else gets 404 (never 403); the signed out get 401 from an API and the
// sign-in page from a page. Each surface's line says who is let in; the test compares all answers
// at once and lists every cell that differs.

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import { startSecond, type SecondServer } from "#tests/fixtures/second-server.ts"
import { AccessWorld, APPS, BUILDERS, PEOPLE, USERS, type AccessApp, type AppKey, type PersonKey } from "./access-world.ts"

interface Cell {
  readonly w: AccessWorld
  readonly person: PersonKey
  readonly who: HttpPerson
  readonly app: AccessApp
}

interface Surface {
  readonly name: string
  /** "builders": the app's builders only; "users": anyone the app is published to, and its builders. */
  readonly for: "builders" | "users"
  /** A page answers the signed out with the sign-in page; an API with 401. */
  readonly page?: boolean
  /** The answer of someone let in, when it is not 200 (it may depend on the app). */
  readonly ok?: (app: AppKey) => string
  readonly ask: (cell: Cell) => Promise<string>
}

const STALE_HASH = `v1:${"0".repeat(64)}`

const call =
  (kind: "query" | "mutation", procedure: string, input: (cell: Cell) => Promise<Record<string, unknown>> | Record<string, unknown>) =>
  async (cell: Cell) => {
    const body = { workspaceId: cell.w.workspaceId, ...(await input(cell)) }
    const reply = kind === "query" ? await cell.who.query(procedure, body) : await cell.who.mutate(procedure, body)
    return String(reply.status)
  }

/** A page's answer: its status, or where a redirect goes ("sign-in", "builder"). */
const page = (path: (cell: Cell) => string) => async (cell: Cell) => {
  const response = await cell.who.request(path(cell))
  await response.body?.cancel()
  if (response.status !== 302) return String(response.status)
  const location = response.headers.get("location") ?? ""
  if (location.startsWith("/onboarding?returnTo=")) return "sign-in"
  if (location === `/w/${cell.w.workspaceId}/apps/${cell.app.appId}`) return "builder"
  return `302 to ${location}`
}

/** An event stream's status; the stream is closed at once. */
const stream = (path: (cell: Cell) => Promise<string> | string) => async (cell: Cell) => {
  const abort = new AbortController()
  const response = await cell.who.request(await path(cell), { signal: abort.signal })
  abort.abort()
  return String(response.status)
}

/** The person's own published run there, or the creator's when they could not trigger one. */
const ownRun = async (cell: Cell) => (await cell.w.ownPublishedRun(cell.person, cell.app.key)) ?? cell.app.creatorPublishedRunId

const appInput = (cell: Cell) => ({ appId: cell.app.appId })

/** Triggers the agent and, when that worked, cancels the run again (an app has 5 active places). */
const trigger = (scope: "draft" | "published") => async (cell: Cell) => {
  const reply = await cell.who.mutate<{ result: { data: { runId: string } } }>("agentRuns.trigger", {
    workspaceId: cell.w.workspaceId,
    appId: cell.app.appId,
    agentId: "ticket-triage",
    prompt: "Triage ticket 7",
    scope,
  })
  if (reply.status === 200) await cell.who.must("mutation", "agentRuns.cancel", { workspaceId: cell.w.workspaceId, runId: reply.body.result.data.runId })
  return String(reply.status)
}

/** The preview URL the person can get (the release's from publishedApps.open; the draft's from versions.preview), fetched without cookies. */
const previewUrl = async (cell: Cell) => {
  const published = cell.app.key !== "draft"
  const reply = published
    ? await cell.who.query<{ result: { data: { preview: { url: string } } } }>("publishedApps.open", { workspaceId: cell.w.workspaceId, appId: cell.app.appId })
    : await cell.who.query<{ result: { data: { url: string } } }>("versions.preview", { workspaceId: cell.w.workspaceId, appId: cell.app.appId })
  if (reply.status !== 200) return String(reply.status)
  const data = reply.body.result.data as { url?: string; preview?: { url: string } }
  const url = published ? data.preview!.url : data.url!
  const response = await new HttpPerson(cell.who.base).request(url)
  const text = await response.text()
  return response.status === 200 && text.includes("Hello from version 1") ? "200" : `${response.status} ${text.slice(0, 40)}`
}

const dataSurfaces = (scope: "draft" | "published"): Surface[] => {
  const audience = scope === "draft" ? "builders" : "users"
  const at = (cell: Cell) => ({ appId: cell.app.appId, scope })
  return [
    { name: `appData.collections (${scope})`, for: audience, ask: call("query", "appData.collections", at) },
    { name: `appData.list (${scope})`, for: audience, ask: call("query", "appData.list", (cell) => ({ ...at(cell), collection: "notes" })) },
    { name: `appData.get (${scope})`, for: audience, ask: call("query", "appData.get", async (cell) => ({ ...at(cell), collection: "notes", id: await cell.w.document(cell.app.key, scope) })) },
    { name: `appData.insert (${scope})`, for: audience, ask: call("mutation", "appData.insert", (cell) => ({ ...at(cell), collection: "notes", data: { title: "Mine" } })) },
    {
      name: `appData.update (${scope})`,
      for: audience,
      ask: call("mutation", "appData.update", async (cell) => ({ ...at(cell), collection: "notes", id: await cell.w.document(cell.app.key, scope), data: { done: true } })),
    },
    { name: `appData.remove (${scope})`, for: audience, ask: call("mutation", "appData.remove", async (cell) => ({ ...at(cell), collection: "notes", id: await cell.w.document(cell.app.key, scope) })) },
    { name: `data events (${scope})`, for: audience, ask: stream((cell) => `/api/w/${cell.w.workspaceId}/apps/${cell.app.appId}/data/events?scope=${scope}`) },
  ]
}

/** The answer of the app never published where a published thing is asked for. */
const notPublished = (answer: string) => (app: AppKey) => (app === "draft" ? answer : "200")

const SURFACES: readonly Surface[] = [
  { name: "apps.get", for: "builders", ask: call("query", "apps.get", appInput) },
  { name: "apps.files", for: "builders", ask: call("query", "apps.files", appInput) },
  { name: "versions.list", for: "builders", ask: call("query", "versions.list", appInput) },
  { name: "versions.preview", for: "builders", ask: call("query", "versions.preview", appInput) },
  { name: "runs.list", for: "builders", ask: call("query", "runs.list", appInput) },
  { name: "runs.send", for: "builders", ask: call("mutation", "runs.send", (cell) => ({ appId: cell.app.appId, prompt: "Make the text bigger" })) },
  { name: "runs.stop (an ended run)", for: "builders", ask: call("mutation", "runs.stop", (cell) => ({ runId: cell.app.builderRunId })) },
  { name: "run events (a builder run)", for: "builders", ask: stream((cell) => `/api/runs/${cell.app.builderRunId}/events`) },
  { name: "agents.overview", for: "builders", ask: call("query", "agents.overview", appInput) },
  // Let in, the approval is then refused for the stale hash (409): nothing changes.
  { name: "agents.approve (stale hash)", for: "builders", ok: () => "409", ask: call("mutation", "agents.approve", (cell) => ({ appId: cell.app.appId, expectedHash: STALE_HASH })) },
  { name: "agentRuns.trigger (draft)", for: "builders", ask: trigger("draft") },
  // Never published: nothing approved for a published version (409 agents_not_approved).
  { name: "agentRuns.trigger (published)", for: "users", ok: notPublished("409"), ask: trigger("published") },
  { name: "agentRuns.list", for: "users", ask: call("query", "agentRuns.list", appInput) },
  { name: "agentRuns.get (the creator's draft run)", for: "builders", ask: call("query", "agentRuns.get", (cell) => ({ runId: cell.app.draftAgentRunId })) },
  { name: "agentRuns.get (the creator's published run)", for: "builders", ask: call("query", "agentRuns.get", (cell) => ({ runId: cell.app.creatorPublishedRunId })) },
  { name: "agentRuns.get (their own published run)", for: "users", ask: call("query", "agentRuns.get", async (cell) => ({ runId: await ownRun(cell) })) },
  { name: "agentRuns.cancel (their own published run)", for: "users", ask: call("mutation", "agentRuns.cancel", async (cell) => ({ runId: await ownRun(cell) })) },
  { name: "agentRuns.cancel (the creator's published run)", for: "builders", ask: call("mutation", "agentRuns.cancel", (cell) => ({ runId: cell.app.creatorPublishedRunId })) },
  { name: "run events (the creator's draft agent run)", for: "builders", ask: stream((cell) => `/api/runs/${cell.app.draftAgentRunId}/events`) },
  { name: "run events (their own published run)", for: "users", ask: stream(async (cell) => `/api/runs/${await ownRun(cell)}/events`) },
  ...dataSurfaces("draft"),
  ...dataSurfaces("published"),
  {
    name: "appTools.execute (draft)",
    for: "builders",
    ask: call("mutation", "appTools.execute", (cell) => ({ appId: cell.app.appId, toolName: "create_note", input: { title: "Hi", tag: "work" }, scope: "draft" })),
  },
  // Never published: no approved published agents.json (403 agents_not_approved).
  {
    name: "appTools.execute (published)",
    for: "users",
    ok: notPublished("403"),
    ask: call("mutation", "appTools.execute", (cell) => ({ appId: cell.app.appId, toolName: "create_note", input: { title: "Hi", tag: "work" }, scope: "published" })),
  },
  // Never published: there is nothing to open, for anyone (its builders' page sends them to the builder).
  { name: "publishedApps.open", for: "users", ok: notPublished("404"), ask: call("query", "publishedApps.open", appInput) },
  { name: "the preview URL", for: "users", ask: previewUrl },
  { name: "page /w/<ws>/a/<app> (published app)", for: "users", page: true, ok: notPublished("builder"), ask: page((cell) => `/w/${cell.w.workspaceId}/a/${cell.app.appId}`) },
  { name: "page /w/<ws>/apps/<app> (builder)", for: "builders", page: true, ask: page((cell) => `/w/${cell.w.workspaceId}/apps/${cell.app.appId}`) },
  ...(["preview", "data", "versions", "agents", "files", "view"] as const).map(
    (tab): Surface => ({ name: `page /w/<ws>/apps/<app>/${tab}`, for: "builders", page: true, ask: page((cell) => `/w/${cell.w.workspaceId}/apps/${cell.app.appId}/${tab}`) }),
  ),
]

function expected(surface: Surface, person: PersonKey, app: AppKey): string {
  if (person === "signedOut") return surface.page ? "sign-in" : "401"
  const allowed = surface.for === "builders" ? BUILDERS.includes(person) : USERS[app].includes(person)
  return allowed ? (surface.ok?.(app) ?? "200") : "404"
}

const state: { server?: SecondServer; world?: AccessWorld } = {}
beforeAll(async () => {
  state.server = await startSecond()
  state.world = await AccessWorld.build(state.server)
}, 180_000)
afterAll(async () => {
  await state.server?.stop()
})
const world = () => state.world!

describe("the access matrix", () => {
  it("answers every person about every app as the access rule says, on every surface that returns app content", async () => {
    const differences: string[] = []
    for (const surface of SURFACES) {
      for (const app of APPS) {
        for (const person of PEOPLE) {
          const cell: Cell = { w: world(), person, who: world().people[person], app: world().apps[app] }
          const answer = await surface.ask(cell)
          const wanted = expected(surface, person, app)
          if (answer !== wanted) differences.push(`${surface.name} · ${person} · ${app} app: expected ${wanted}, got ${answer}`)
        }
      }
    }
    expect(differences).toEqual([])
  }, 600_000)

  it('lists on each person\'s home exactly the published apps they may use ("Apps for you")', async () => {
    const names = { [world().apps.workspace.appId]: "workspace", [world().apps.team.appId]: "team", [world().apps.draft.appId]: "draft" }
    const listed: Record<string, string> = {}
    for (const person of PEOPLE) {
      const reply = await world().people[person].query<{ result: { data: { apps: { appId: string }[] } } }>("publishedApps.forYou", { workspaceId: world().workspaceId })
      listed[person] = reply.status === 200 ? reply.body.result.data.apps.map((card) => names[card.appId] ?? "another app").sort().join(", ") : String(reply.status)
    }
    expect(listed).toEqual({
      admin: "team, workspace",
      creator: "team, workspace",
      collaborator: "team, workspace",
      teamMember: "team, workspace",
      otherMember: "workspace",
      otherWorkspace: "404",
      signedOut: "401",
    })
  })

  it("shows a user of the published app only their own published runs, and its builders every run", async () => {
    const { workspace } = world().apps
    const mine = await world().ownPublishedRun("otherMember", "workspace")
    expect(mine).not.toBeNull()
    const list = async (person: PersonKey) =>
      (await world().people[person].must<{ id: string; triggeredByUserId: string; scope: string }[]>("query", "agentRuns.list", { workspaceId: world().workspaceId, appId: workspace.appId, limit: 100 }))
    const seenByMember = await list("otherMember")
    expect(seenByMember.map((run) => run.id)).toContain(mine)
    expect(new Set(seenByMember.map((run) => `${run.triggeredByUserId === world().base.userIds.get(world().people.otherMember) ? "own" : "other"} ${run.scope}`))).toEqual(new Set(["own published"]))
    const seenByCreator = (await list("creator")).map((run) => run.id)
    expect(seenByCreator).toEqual(expect.arrayContaining([mine, workspace.draftAgentRunId, workspace.creatorPublishedRunId]))
  })
})
