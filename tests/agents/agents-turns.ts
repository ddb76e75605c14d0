// What the agents integration tests share: a builder turn settled with the app's source through
// the real completion path, as the worker reports a finished turn, and a tRPC call's refusal.

import { TRPCError } from "@trpc/server"
import { expect } from "vitest"
import type { AppSource } from "#shared/runs/internal-api.ts"
import type { Transcript } from "#shared/runs/transcript.ts"
import { completeRun } from "#app/runs/run-completion.server.ts"
import type { VersionWorld } from "#tests/fixtures/version-world.ts"

/** Settles the app's builder turn `runId`, completed on claude with `source`, and expects it settled. */
export async function settleTurn(world: VersionWorld, appId: string, runId: string, source: AppSource, transcript: Transcript = []): Promise<void> {
  const settled = await completeRun(world.services, runId, {
    appId,
    outcome: "completed",
    error: null,
    runtime: "claude",
    nativeSessionId: null,
    transcript,
    source,
  })
  expect(settled).toBe("settled")
}

/** The TRPCError the call was refused with (the test fails if it was not). */
export async function refusal(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(TRPCError)
  return error as TRPCError
}
