// The app's build, preview, data and versions in the production shape (tests/fixtures/
// second-cluster.ts: a worker process and two web processes on one Redis and one store), with the
// real Claude Code against the scripted fake model: a build made through the worker is a version
// on both webs; its preview is served by either web, without a cookie; a data change written on
// one web reaches a stream open on the other; and a version restored on one web is the source the
// worker continues from on the next message.

import { readFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, expect, it } from "vitest"
import type { AppDataChange } from "#shared/apps/app-data.ts"
import { eventuallyValue } from "#tests/fixtures/eventually.ts"
import { FAKE_API_KEY } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import { doneBuilding, NOTES_MANIFEST, notesApp, writeFiles } from "#tests/fixtures/notes-app.ts"
import { startSecondCluster, type ClusterWeb, type SecondCluster } from "#tests/fixtures/second-cluster.ts"
import { runSettled, trpcCall } from "#tests/fixtures/trpc-call.ts"
import { SseReader } from "#tests/fixtures/sse-client.ts"

type Run = { id: string; status: string }
type Version = { id: string; number: number; current: boolean; restoredFromNumber: number | null }

let fake: FakeModel
let cluster: SecondCluster
let person: HttpPerson
let workspaceId: string
let webA: ClusterWeb
let webB: ClusterWeb

beforeAll(async () => {
  fake = await startFakeModel()
  cluster = await startSecondCluster({ webs: 2, workerEnv: { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: FAKE_API_KEY } })
  ;[webA, webB] = cluster.webs as [ClusterWeb, ClusterWeb]
  person = await new HttpPerson(webA.url).signIn("builds@example.com")
  workspaceId = (await person.must<{ id: string }>("mutation", "workspaces.create", { name: "Builds" })).id
}, 180_000)

afterAll(async () => {
  await cluster?.stop()
  await fake?.stop()
}, 60_000)

/** tRPC with the person's cookie on either web. */
const call = <T>(base: string, kind: "query" | "mutation", procedure: string, input: unknown) => trpcCall<T>(person, base, kind, procedure, input)

/** Waits (bounded) until the run has ended, asking `base`. */
const settled = (base: string, appId: string, runId: string) => runSettled<Run>(person, base, { workspaceId, appId }, runId, 120_000)

const versions = async (base: string, appId: string) => (await call<{ versions: Version[] }>(base, "query", "versions.list", { workspaceId, appId })).versions

it("builds through the worker, previews on any web, fans data out across webs, and restores a version for the next turn", { timeout: 300_000 }, async () => {
  fake.clearScript()
  fake.script([
    { kind: "shell", command: writeFiles({ "second.json": NOTES_MANIFEST, "src/App.tsx": notesApp() }) },
    doneBuilding("Team notes."),
    { kind: "text", text: "Built." },
  ])
  const created = await call<{ app: { id: string }; run: Run }>(webA.url, "mutation", "apps.create", { workspaceId, prompt: "Team notes", runtime: "claude" })
  const appId = created.app.id
  await expect(settled(webB.url, appId, created.run.id)).resolves.toMatchObject({ status: "completed" })

  // Version 1, as both webs see it; its preview is served by either, to a request without a cookie.
  expect((await versions(webA.url, appId)).map((version) => version.number)).toEqual([1])
  const preview = await call<{ url: string; number: number }>(webB.url, "query", "versions.preview", { workspaceId, appId })
  expect(preview.number).toBe(1)
  const page = await fetch(`${webA.url}${preview.url}`)
  expect(page.status).toBe(200)
  expect(page.headers.get("set-cookie")).toBeNull()
  expect(page.headers.get("content-security-policy")).toContain("connect-src 'none'")
  const html = await page.text()
  const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1]
  expect(script, "the built index.html loads its bundle relative to the preview").toBeDefined()
  const bundle = await fetch(`${webB.url}${preview.url}${script}`)
  expect(bundle.status).toBe(200)
  expect(await bundle.text()).toContain("second:data:list")

  // A change written on web A reaches a data stream open on web B.
  const stream = await fetch(`${webB.url}/api/w/${workspaceId}/apps/${appId}/data/events?scope=draft`, { headers: { cookie: person.cookieHeader() } })
  expect(stream.status).toBe(200)
  const reader = new SseReader(stream)
  const inserted = await call<{ id: string }>(webA.url, "mutation", "appData.insert", { workspaceId, appId, collection: "notes", data: { text: "Across webs" } })
  const change = await eventuallyValue(async () => {
    const message = await reader.next()
    if (!message || message.data === "") return null
    const parsed = JSON.parse(message.data) as AppDataChange
    return parsed.documentId === inserted.id ? parsed : null
  }, 10_000)
  expect(change).toMatchObject({ appId, scope: "draft", collection: "notes", op: "insert", document: { data: { text: "Across webs" } } })
  await reader.close()

  // Version 2 changes the heading; restoring version 1 on web B makes version 3, and the next
  // message finds version 1's files on the worker.
  fake.clearScript()
  fake.script([{ kind: "shell", command: writeFiles({ "src/App.tsx": notesApp("Crew notes") }) }, doneBuilding("Renamed."), { kind: "text", text: "Renamed." }])
  const second = await call<Run>(webA.url, "mutation", "runs.send", { workspaceId, appId, prompt: "Rename it" })
  await expect(settled(webA.url, appId, second.id)).resolves.toMatchObject({ status: "completed" })
  const appFile = () => readFileSync(join(cluster.worker.workspacesDir, "apps", appId, "src", "App.tsx"), "utf8")
  expect(appFile()).toContain("Crew notes")
  // The run is recorded as completed a moment before the app is released for the next change.
  await eventuallyValue(async () => ((await call<{ running: boolean }>(webB.url, "query", "apps.get", { workspaceId, appId })).running ? null : true), 10_000)
  const first = (await versions(webB.url, appId)).find((version) => version.number === 1)!
  const restored = await call<Version>(webB.url, "mutation", "versions.restore", { workspaceId, appId, versionId: first.id })
  expect(restored).toMatchObject({ number: 3, restoredFromNumber: 1, current: true })

  fake.clearScript()
  fake.script([{ kind: "text", text: "I see the restored app." }])
  const third = await call<Run>(webA.url, "mutation", "runs.send", { workspaceId, appId, prompt: "What is the heading now?" })
  await expect(settled(webB.url, appId, third.id)).resolves.toMatchObject({ status: "completed" })
  expect(appFile()).toContain("Team notes")
  expect(appFile()).not.toContain("Crew notes")
  // The agent was told, in the message it got.
  expect(fake.requests.some((request) => request.lastUserText?.includes("restored version 1") ?? false)).toBe(true)
})
