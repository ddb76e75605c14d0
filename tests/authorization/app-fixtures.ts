// Apps and runs for authorization tests, made through the public API as the person who needs
// them (apps are visible only to their creator, collaborators and admins). The test server has
// no provider key, so no runtime is usable: each app's first run fails at once with a retryable
// error and leaves the app free, which is exactly what stop, retry and send cases need.

import { exampleAgentsConfig } from "#shared/agents/agents-config.fixture.ts"
import { agentsConfigHash } from "#shared/agents/canonical-hash.ts"
import { newId } from "#shared/ids.ts"
import { apps, appVersions, runs, snapshots, type AppVersionDocument, type SnapshotDocument } from "#app/store/collections.server.ts"
import type { HttpPerson } from "#tests/fixtures/http-person.ts"
import { plannedRun } from "#tests/fixtures/run-documents.ts"
import type { World } from "./world.ts"

export interface MadeApp {
  readonly appId: string
  /** The app's first run: already ended, failed with a retryable error. */
  readonly runId: string
}

interface Created {
  readonly app: { readonly id: string }
  readonly run: { readonly id: string; readonly status: string; readonly error: { readonly retryable: boolean } | null }
}

export async function makeApp(world: World, creator: HttpPerson): Promise<MadeApp> {
  const { app, run } = await creator.must<Created>("mutation", "apps.create", {
    workspaceId: world.workspaceId,
    prompt: "A page that says hello",
    runtime: "claude",
  })
  if (run.status !== "failed" || !run.error?.retryable) {
    throw new Error(
      `expected the first run to fail retryably (no runtime is usable without a provider key), got ${run.status}: ` +
        "unset ANTHROPIC_API_KEY / OPENAI_API_KEY / CODEX_API_KEY for this test",
    )
  }
  return { appId: app.id, runId: run.id }
}

/**
 * An app whose latest turn ended at a plan waiting for approval. Such a turn needs an agent, so it
 * is stored as the web stores finished runs, after the app's first (failed) run.
 */
export async function makeAppWithPlan(world: World, creator: HttpPerson, title = "Lunch orders"): Promise<{ appId: string; planRunId: string }> {
  const { appId } = await makeApp(world, creator)
  const store = await world.server.openStore()
  try {
    const app = (await store.collection(apps).findOne({ id: appId }))!
    const run = plannedRun(app, { title, createdAt: new Date(Date.now() + 1_000).toISOString() })
    await store.collection(runs).insert(run)
    return { appId, planRunId: run.id }
  } finally {
    await store.close()
  }
}

/**
 * An app built twice (versions 1 and 2, the second current), stored as the web stores builds:
 * a build needs an agent and the worker, the worker's tests' business.
 */
export async function makeAppWithVersions(world: World, creator: HttpPerson): Promise<MadeApp & { readonly versionIds: readonly string[] }> {
  const made = await makeApp(world, creator)
  const store = await world.server.openStore()
  try {
    const app = (await store.collection(apps).findOne({ id: made.appId }))!
    const at = new Date().toISOString()
    const versions: AppVersionDocument[] = []
    for (const number of [1, 2]) {
      const snapshot: SnapshotDocument = {
        id: newId(),
        workspaceId: app.workspaceId,
        appId: app.id,
        runId: made.runId,
        files: { "dist/index.html": `<!doctype html><p>version ${number}</p>` },
        binaryFiles: {},
        fileCount: 1,
        sizeBytes: 30,
        hash: `hash-${number}-${app.id}`,
        createdAt: at,
      }
      await store.collection(snapshots).insert(snapshot)
      const version: AppVersionDocument = {
        id: newId(),
        workspaceId: app.workspaceId,
        appId: app.id,
        number,
        snapshotId: snapshot.id,
        runId: made.runId,
        requestedByUserId: app.createdByUserId,
        message: app.prompt,
        summary: `Built version ${number}`,
        restoredFromNumber: null,
        createdAt: at,
      }
      await store.collection(appVersions).insert(version)
      versions.push(version)
    }
    const current = versions.at(-1)!
    await store
      .collection(apps)
      .updateOne({ id: app.id }, { lastVersionNumber: 2, currentVersionId: current.id, currentVersionNumber: 2, snapshotId: current.snapshotId })
    return { ...made, versionIds: versions.map((version) => version.id) }
  } finally {
    await store.close()
  }
}

/**
 * An app whose kept source declares agents (the example agents.json, with the collection it names
 * in second.json), stored as a settled turn stores it: writing it needs an agent.
 */
export async function makeAppWithAgents(world: World, creator: HttpPerson): Promise<MadeApp & { readonly agentsHash: string }> {
  const made = await makeApp(world, creator)
  const store = await world.server.openStore()
  try {
    const app = (await store.collection(apps).findOne({ id: made.appId }))!
    const files = { "second.json": JSON.stringify({ dataCollections: ["tickets"] }), "agents.json": JSON.stringify(exampleAgentsConfig()) }
    const snapshot: SnapshotDocument = {
      id: newId(),
      workspaceId: app.workspaceId,
      appId: app.id,
      runId: made.runId,
      files,
      binaryFiles: {},
      fileCount: 2,
      sizeBytes: Object.values(files).reduce((total, text) => total + text.length, 0),
      hash: `agents-${app.id}`,
      createdAt: new Date().toISOString(),
    }
    await store.collection(snapshots).insert(snapshot)
    await store.collection(apps).updateOne({ id: app.id }, { snapshotId: snapshot.id })
    return { ...made, agentsHash: agentsConfigHash(exampleAgentsConfig()) }
  } finally {
    await store.close()
  }
}

/** A fresh built app of the creator's that an admin published to the whole workspace (publishing.publish). */
export async function publishedByAnAdmin(world: World, creator: HttpPerson): Promise<MadeApp> {
  const made = await makeAppWithVersions(world, creator)
  await world.as("admin").must("mutation", "publishing.publish", { workspaceId: world.workspaceId, appId: made.appId, visibility: "workspace", teamIds: [] })
  return made
}
