// AppBuilds on apps scaffolded from the real template, with real vite and tsc in the real sandbox
// (bubblewrap where it works) and a stand-in web: a build that passes streams its output, leaves
// dist/index.html and becomes a version; a type error, a missing dist/index.html and a package the
// template lacks each fail with a problem the agent can act on; a step past the time limit and a
// build interrupted mid-way both end with one build.finished and leave no process behind; and the
// app's own build code (vite.config.ts) finds no network, read-only packages and no worker secret.

import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Layer, Schedule, type Scope, Stream } from "effect"
import { appBuildsLayer, buildSettings, scaffoldedApp, startFakeBuildWeb, type FakeBuildWeb } from "#tests/fixtures/app-builds.ts"
import { WorkerConfig, type WorkerSettings } from "../config/WorkerConfig.ts"
import { BuilderTools } from "../mcp/BuilderTools.ts"
import type { McpClaims } from "../mcp/McpTokens.ts"
import { AppBuilds, type BuildRequest } from "./AppBuilds.ts"
import { BuildProgress, type BuildEvent } from "./BuildProgress.ts"

let web: FakeBuildWeb
beforeAll(async () => {
  web = await startFakeBuildWeb()
})
afterAll(() => web?.close())

const request = (appId: string): BuildRequest => ({ appId, runId: `run-${appId}`, workspaceId: "ws-builds", runtime: "claude", summary: `Built ${appId}.` })

/** The build of `appId` with every event its run was sent, subscribed before it starts. */
const buildWithEvents = (appId: string) =>
  Effect.gen(function* () {
    const progress = yield* BuildProgress
    const events = yield* progress.subscribe(`run-${appId}`)
    const collected = yield* Effect.forkChild(Stream.runCollect(Stream.takeUntil(events, (event) => event.type === "build.finished")))
    const outcome = yield* (yield* AppBuilds).build(request(appId))
    return { outcome, events: yield* Fiber.join(collected) }
  })

const run = <A, E>(settings: WorkerSettings, effect: Effect.Effect<A, E, AppBuilds | BuildProgress | Scope.Scope>) => Effect.provide(effect, appBuildsLayer(settings))

/** Processes anywhere on this machine whose command line holds `marker`. */
const processesWith = (marker: string) =>
  readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker)
      } catch {
        return false
      }
    })

/** A vite config that starts a grandchild in a process group of its own, says so, and never finishes loading. */
const hangingConfig = (marker: string) => `import { spawn } from "node:child_process"
spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)", "${marker}"], { detached: true, stdio: "ignore" })
setInterval(() => {}, 1000)
console.log("config is hanging")
export default new Promise(() => {})
`

const outputOf = (events: readonly BuildEvent[]) => events.flatMap((event) => (event.type === "build.output" ? [event.text] : [])).join("")

describe("AppBuilds", () => {
  it.live("builds a freshly scaffolded app: started, its output, finished, dist/index.html, and the web's version", () => {
    const settings = buildSettings(web.url)
    const workdir = scaffoldedApp(settings, "app-ok")
    web.answer = { status: 200, versionNumber: 4 }
    return run(
      settings,
      Effect.gen(function* () {
        const { outcome, events } = yield* buildWithEvents("app-ok")
        expect(outcome).toMatchObject({ ok: true, versionNumber: 4, problems: [] })
        expect(outcome.message).toMatch(/^Built in \d+\.\d s: version 4\.$/)
        expect(events[0]).toEqual({ type: "build.started", buildId: outcome.buildId })
        expect(events.at(-1)).toEqual({ type: "build.finished", ...outcome })
        expect(events.filter((event) => event.type === "build.finished")).toHaveLength(1)
        expect(outputOf(events)).toContain("dist/index.html")
        expect(existsSync(join(workdir, "dist/index.html"))).toBe(true)
        const report = web.reports.at(-1)!
        expect(report.claims).toEqual({ workspaceId: "ws-builds", appId: "app-ok", runId: "run-app-ok", runtime: "claude" })
        expect(report.summary).toBe("Built app-ok.")
        expect("files" in report.source && Object.keys(report.source.files)).toEqual(expect.arrayContaining(["dist/index.html", "src/App.tsx", "package.json"]))
      }),
    )
  })

  it.live("passes a build the web does not record (no such route yet), saying it was not saved", () => {
    const settings = buildSettings(web.url)
    scaffoldedApp(settings, "app-unrecorded")
    web.answer = { status: 404, message: "Not found" }
    return run(
      settings,
      Effect.gen(function* () {
        const outcome = yield* (yield* AppBuilds).build(request("app-unrecorded"))
        expect(outcome).toMatchObject({ ok: true, versionNumber: null })
        expect(outcome.message).toContain("not saved as a version")
      }),
    )
  })

  it.live("runs the app's own build code with no network, the template's packages read-only and none of the worker's secrets", () => {
    const settings = buildSettings(web.url, { SECOND_RUNTIME_SANDBOX: "bubblewrap", INTERNAL_API_TOKEN: "worker-secret-0123456789abcdef0123456789" })
    const workdir = scaffoldedApp(settings, "app-probe")
    // vite.config.ts is code the agent wrote: it tries the network (the stand-in web on loopback),
    // a write into the shared packages, and the worker's environment, and prints what it got.
    const config = readFileSync(join(workdir, "vite.config.ts"), "utf8")
    const probe = `import { writeFileSync } from "node:fs"
let network = "unreachable"
try { await fetch(${JSON.stringify(web.url)}); network = "reached" } catch {}
let packages = "read-only"
try { writeFileSync("../node_modules/.poisoned", "x"); packages = "written" } catch {}
console.log("probe: network=" + network + " packages=" + packages + " token=" + (process.env.INTERNAL_API_TOKEN ?? "none"))
`
    writeFileSync(join(workdir, "vite.config.ts"), probe + config)
    const reportsBefore = web.reports.length
    web.answer = { status: 200, versionNumber: 1 }
    return run(
      settings,
      Effect.gen(function* () {
        const { outcome, events } = yield* buildWithEvents("app-probe")
        expect(outputOf(events)).toContain("probe: network=unreachable packages=read-only token=none")
        expect(outcome.ok, outcome.message).toBe(true)
        expect(existsSync(join(settings.appTemplateDir, "node_modules", ".poisoned"))).toBe(false)
        // The one call that reached the web is the worker's own report, after the build.
        expect(web.reports.length).toBe(reportsBefore + 1)
      }),
    )
  })

  it.live("fails on a type error with the file, line and column tsc gave", () => {
    const settings = buildSettings(web.url)
    const workdir = scaffoldedApp(settings, "app-types")
    writeFileSync(join(workdir, "src/App.tsx"), `export function App() {\n  const count: string = 1\n  return <p>{count}</p>\n}\n`)
    return run(
      settings,
      Effect.gen(function* () {
        const { outcome, events } = yield* buildWithEvents("app-types")
        expect(outcome.ok).toBe(false)
        expect(outcome.problems).toEqual([
          { step: "typecheck", file: "src/App.tsx", line: 2, column: 9, message: "Type 'number' is not assignable to type 'string'. (TS2322)" },
        ])
        expect(outputOf(events)).toContain("error TS2322")
        expect(events.at(-1)).toMatchObject({ type: "build.finished", ok: false, versionNumber: null })
      }),
    )
  })

  it.live("fails when vite builds somewhere other than dist/, since dist/index.html is what previews", () => {
    const settings = buildSettings(web.url)
    const workdir = scaffoldedApp(settings, "app-outdir")
    const config = readFileSync(join(workdir, "vite.config.ts"), "utf8")
    writeFileSync(join(workdir, "vite.config.ts"), config.replace('outDir: "dist"', 'outDir: "out"'))
    return run(
      settings,
      Effect.gen(function* () {
        const outcome = yield* (yield* AppBuilds).build(request("app-outdir"))
        expect(outcome.ok).toBe(false)
        expect(outcome.problems).toEqual([expect.objectContaining({ step: "build", message: expect.stringContaining("no dist/index.html") })])
      }),
    )
  })

  it.live("refuses a package the template did not install, in one line naming what is installed, before building", () => {
    const settings = buildSettings(web.url)
    const workdir = scaffoldedApp(settings, "app-deps")
    const manifest = JSON.parse(readFileSync(join(workdir, "package.json"), "utf8")) as { dependencies: Record<string, string> }
    manifest.dependencies["lodash"] = "4.17.21"
    writeFileSync(join(workdir, "package.json"), JSON.stringify(manifest))
    return run(
      settings,
      Effect.gen(function* () {
        const { outcome, events } = yield* buildWithEvents("app-deps")
        expect(outcome.ok).toBe(false)
        expect(outcome.problems).toHaveLength(1)
        expect(outcome.problems[0]).toMatchObject({ step: "dependencies", file: "package.json" })
        expect(outcome.problems[0]!.message).toMatch(/^"lodash" is not installed, and this worker cannot install packages \(no registry access\); use what is installed: react, react-dom, /)
        expect(events.map((event) => event.type)).toEqual(["build.started", "build.output", "build.finished"])
        expect(existsSync(join(workdir, "dist"))).toBe(false)
      }),
    )
  })

  it.live("stops a step that runs past the time limit, with its whole tree, and says so", () => {
    const marker = `second-build-timeout-${process.pid}-${Date.now()}`
    // Long enough for vite to reach the config (and print its line) on a loaded CI machine: at 2 s
    // a full CI run once stopped it before it printed anything.
    const settings = buildSettings(web.url, { SECOND_BUILD_TIMEOUT_MS: "8000" })
    const workdir = scaffoldedApp(settings, "app-slow")
    writeFileSync(join(workdir, "vite.config.ts"), hangingConfig(marker))
    return run(
      settings,
      Effect.gen(function* () {
        const { outcome, events } = yield* buildWithEvents("app-slow")
        expect(outcome.ok).toBe(false)
        expect(outcome.message).toBe("vite build took longer than 8.0 s and was stopped.")
        expect(outputOf(events)).toContain("config is hanging")
        expect(events.filter((event) => event.type === "build.finished")).toHaveLength(1)
        expect(processesWith(marker)).toEqual([])
      }),
    )
  })

  it.live("interrupted mid-way, it stops the whole tree and its run hears once that it was stopped", () => {
    const marker = `second-build-interrupt-${process.pid}-${Date.now()}`
    const settings = buildSettings(web.url)
    const workdir = scaffoldedApp(settings, "app-interrupted")
    writeFileSync(join(workdir, "vite.config.ts"), hangingConfig(marker))
    return run(
      settings,
      Effect.gen(function* () {
        const progress = yield* BuildProgress
        const events = yield* progress.subscribe("run-app-interrupted")
        const hanging = yield* Deferred.make<void>()
        const seen = yield* Effect.forkChild(
          Stream.runCollect(
            Stream.takeUntil(
              Stream.tap(events, (event) =>
                event.type === "build.output" && event.text.includes("config is hanging") ? Deferred.succeed(hanging, undefined) : Effect.void,
              ),
              (event) => event.type === "build.finished",
            ),
          ),
        )
        const building = yield* Effect.forkChild((yield* AppBuilds).build(request("app-interrupted")))
        yield* Deferred.await(hanging).pipe(Effect.timeout("20 seconds"))
        // The grandchild is started before the config says it hangs; give it the moment to exec.
        yield* Effect.sync(() => processesWith(marker).length > 0).pipe(
          Effect.repeat({ schedule: Schedule.spaced("20 millis"), until: (found) => found }),
          Effect.timeoutOption("5 seconds"),
        )
        expect(processesWith(marker).length).toBeGreaterThan(0)
        yield* Fiber.interrupt(building)
        expect(processesWith(marker)).toEqual([])
        const finished = (yield* Fiber.join(seen).pipe(Effect.timeout("5 seconds"))).filter((event) => event.type === "build.finished")
        expect(finished).toEqual([expect.objectContaining({ ok: false, message: "The build was stopped before it finished." })])
      }),
    )
  })
})

describe("done_building", () => {
  const claims = (appId: string): McpClaims => ({
    workspaceId: "ws-builds",
    appId,
    runId: `run-${appId}`,
    runtime: "codex",
    tools: { second: ["done_building"] },
    expiresAt: Number.MAX_SAFE_INTEGER,
  })
  const withTools = (settings: WorkerSettings) =>
    BuilderTools.layer.pipe(Layer.provideMerge(appBuildsLayer(settings)), Layer.provide(WorkerConfig.layer(settings)))

  it.live("answers a passing build with its version, and a failing one with what to fix, as a tool error", () => {
    const settings = buildSettings(web.url)
    const workdir = scaffoldedApp(settings, "app-tool")
    web.answer = { status: 200, versionNumber: 9 }
    return Effect.gen(function* () {
      const tools = yield* BuilderTools
      const built = yield* tools.call(claims("app-tool"), "done_building", { summary: "A starting screen." })
      expect(built.isError).toBe(false)
      expect(JSON.parse(built.text)).toMatchObject({ ok: true, status: "built", versionNumber: 9, message: expect.stringContaining("version 9") })
      expect(web.reports.at(-1)).toMatchObject({ summary: "A starting screen.", claims: { appId: "app-tool", runtime: "codex" } })

      writeFileSync(join(workdir, "src/App.tsx"), `export function App() {\n  return <p>{missing}</p>\n}\n`)
      const failed = yield* tools.call(claims("app-tool"), "done_building", { summary: "Broke it." })
      expect(failed.isError).toBe(true)
      expect(failed.text).toContain("- src/App.tsx:2:14 Cannot find name 'missing'. (TS2304) [typecheck]")
      expect(failed.text.endsWith("Fix these and call done_building again.")).toBe(true)
    }).pipe(Effect.provide(withTools(settings)))
  })
})
