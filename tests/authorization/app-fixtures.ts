// Apps and runs for authorization tests, made through the public API as the person who needs
// them (apps are visible only to their creator, collaborators and admins). The test server has
// no provider key, so no runtime is usable: each app's first run fails at once with a retryable
// error and leaves the app free, which is exactly what stop, retry and send cases need.

import type { HttpPerson } from "#tests/fixtures/http-person.ts"
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
