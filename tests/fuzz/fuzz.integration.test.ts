// The fuzz suite: every tRPC procedure, every route loader and action (both event streams and the
// internal API included) and Remix's own endpoints, each with generated malformed inputs, signed
// out and signed in, against a real running Second. No answer may be a 5xx or carry a stack or
// internal text, a refused request must write nothing, and the server must not log a stack for
// any of it. Procedures and routes are read from the router and the build, as the authorization
// enumeration does, so whatever is added later is fuzzed too.

import { randomBytes } from "node:crypto"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { appRouter } from "#app/trpc/root.server.ts"
import { makeApp, makeAppWithVersions } from "#tests/authorization/app-fixtures.ts"
import { useWorld } from "#tests/authorization/world.ts"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import { testMongoUri } from "#tests/fixtures/mongo-uri.ts"
import { loadRouteManifest } from "#tests/fixtures/route-manifest.ts"
import type { FuzzRequest, FuzzTargets } from "./fuzz-request.ts"
import { formatHistogram, runFuzz } from "./fuzz-runner.ts"
import { procedureRequests, type ProcedureDef } from "./procedure-fuzz.ts"
import { routeRequests } from "./route-fuzz.ts"
import { digestWriteWatch, sqliteWriteWatch, type WriteWatch } from "./write-watch.ts"

const internalToken = randomBytes(32).toString("hex")
const given = useWorld({ INTERNAL_API_TOKEN: internalToken })
const routes = await loadRouteManifest()

let writes: WriteWatch
beforeAll(async () => {
  writes = testMongoUri() ? digestWriteWatch(await given.server.openStore()) : sqliteWriteWatch(join(given.server.dataDir, "second.db"))
})
afterAll(async () => {
  await writes?.close()
})

/** Real targets in W, so malformed parts of a request are judged past the first checks. */
async function targetsIn(): Promise<FuzzTargets> {
  const { world } = given
  const owner = world.as("owner")
  const { appId, runId, versionIds } = await makeAppWithVersions(world, owner)
  const invitation = await world.invite()
  const otherBrowser = await new HttpPerson(world.server.url).signIn(world.emails.get(owner)!)
  const sessions = await otherBrowser.must<{ id: string; current: boolean }[]>("query", "auth.sessions")
  return {
    workspaceId: world.workspaceId,
    appId,
    runId,
    versionId: versionIds[0]!,
    teamId: await world.team([world.userId("member")]),
    userId: world.userId("member"),
    invitationId: invitation.invitationId,
    invitationToken: invitation.token,
    sessionId: sessions.find((session) => session.current)!.id,
    internalToken,
  }
}

describe("the fuzz suite", () => {
  it("answers every malformed request with a 4xx (or a success) that leaks nothing and, refused, writes nothing", async () => {
    const { world, server } = given
    const targets = await targetsIn()
    const appsByRoute = new Map<string, { appId: string; runId: string }>()
    for (const id of Object.keys(routes)) {
      appsByRoute.set(id, /\$(appId|runId)/.test(id) ? await makeApp(world, world.as("owner")) : { appId: targets.appId, runId: targets.runId })
    }
    const procedures = appRouter._def.procedures as unknown as Record<string, ProcedureDef>
    const requests: FuzzRequest[] = [
      ...procedureRequests(procedures, targets),
      ...routeRequests(routes, targets, (id) => appsByRoute.get(id)!),
      // Remix's own endpoints, beside the routes.
      ...["/__manifest", "/__manifest?p=%00&version=x", `/__manifest?p=${"/a".repeat(2_000)}`, "/_root.data", "/nope.data", "/.data", "/%00"].map(
        (path): FuzzRequest => ({ label: `GET ${path.slice(0, 40)}`, as: "nobody", method: "GET", path }),
      ),
    ]
    const owner = world.as("owner")
    const logBefore = server.process.output().length
    const report = await runFuzz(requests, {
      baseUrl: server.url,
      writes,
      owner,
      signInOwner: async () => void (await owner.signIn(world.emails.get(owner)!)),
    })

    console.info(
      `fuzz: ${report.sent.toLocaleString("en")} requests in ${(report.elapsedMs / 1000).toFixed(1)} s — ${formatHistogram(report.statuses)}`,
    )
    expect(report.failures.slice(0, 20), `${report.failures.length} failures`).toEqual([])
    expect([...report.statuses.keys()].filter((status) => status >= 500)).toEqual([])
    // A stack per refused request would let anyone fill the disk: refusals log one line at most.
    const logged = server.process.output().slice(logBefore)
    expect(logged.match(/\n\s+at [^\n]+:\d+:\d+/g) ?? [], logged.slice(0, 2_000)).toEqual([])
    // Sized to take well under a minute on CI (2,793 requests: ~15 s alone on two cores, ~40 s
    // beside the other suites); the bound below only stops a hang.
  }, 180_000)
})
