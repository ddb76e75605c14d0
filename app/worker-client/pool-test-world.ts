// The worker pool's test world, shared by its test files: fake workers on loopback, a fresh
// in-process live port per test, and the pool as services.server.ts builds one.

import { afterEach, beforeEach } from "vitest"
import { createMemoryLive } from "#shared/live/memory-live.server.ts"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import { Secret } from "#shared/config/secret.ts"
import { readSessionLease } from "#shared/workers/session-lease.ts"
import { startFakePoolWorker, type FakePoolWorker } from "./pool-worker.fixture.ts"
import type { StartRunRequest, WorkerClient } from "./worker-client.server.ts"
import { createWorkerDirectory } from "./worker-directory.server.ts"
import { createWorkerPool } from "./worker-pool.server.ts"

export const TOKEN = "pool-test-token-0123456789abcdef0123"

/** The current test's live port (a fresh in-process one per test; read it after usePoolWorld's hook ran). */
export let live: LiveCoordination
let workers: FakePoolWorker[] = []

/** For a test that stopped its fake workers itself: the after-test hook need not stop them again. */
export function forgetWorkers(): void {
  workers = []
}

/** A fresh live port per test, and every fake worker stopped after it. */
export function usePoolWorld(): void {
  beforeEach(() => {
    live = createMemoryLive()
  })
  afterEach(async () => {
    await Promise.all(workers.map((worker) => worker.stop()))
    workers = []
    await live.close()
  })
}

export async function fakeWorkers(...names: string[]): Promise<FakePoolWorker[]> {
  const started = await Promise.all(names.map((name) => startFakePoolWorker(name)))
  workers.push(...started)
  return started
}

/** A pool as services.server.ts builds one; no registry cache, so each call sees the latest entries. */
export function pool(options: { readonly urls?: readonly string[]; readonly discovery?: "redis" | "off" } = {}): WorkerClient {
  const directory = createWorkerDirectory({
    live,
    urls: (options.urls ?? []).map((url) => new URL(url)),
    discovery: options.discovery ?? "redis",
    token: new Secret(TOKEN),
    cacheMs: 0,
  })
  return createWorkerPool({ live, directory })
}

export const turn = (runId: string, extra: Partial<StartRunRequest> = {}): StartRunRequest => ({
  prompt: "Make it blue",
  runtime: "claude",
  model: null,
  runId,
  resumeSessionId: null,
  handoffPrompt: null,
  snapshotAvailable: true,
  delivery: { leaseMs: 20_000 },
  ...extra,
})

export const agentRun = (runId: string) => ({
  runId,
  workspaceId: "ws1",
  appId: "app1",
  agentId: "triage",
  runtime: "claude" as const,
  model: null,
  systemPrompt: "You triage.",
  prompt: "Triage the inbox",
  tools: [],
  dataCollections: [],
  builtinTools: [],
  delivery: { leaseMs: 20_000 },
})

export const lease = async (appId: string) => (await readSessionLease(live, appId)).lease

