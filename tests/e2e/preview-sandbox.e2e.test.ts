// A real Vite build (base "./", as the app template builds) previewed in real Chromium: served by
// the real preview route behind a Node host that sets the platform's headers first, as
// app/server/http-host.server.ts does, framed by a platform page under the platform's CSP in an
// iframe sandboxed without allow-same-origin. It runs (module scripts, a lazy chunk, CSS, a form
// handler) with an opaque origin, a client-side route deep in the app loads it too, another site
// cannot frame it, and opened on its own it is still sandboxed. No build of Second is needed.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join, relative } from "node:path"
import { build } from "vite"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { loader } from "#app/routes/preview.$token.$.ts"
import { sendFetchResponse } from "#app/server/node-fetch.server.ts"
import { contentSecurityPolicy, SECURITY_HEADERS } from "#app/server/security.server.ts"
import { buildReport, createVersionWorld, type VersionWorld } from "#tests/fixtures/version-world.ts"
import { STEP_TIMEOUT_MS, useChromium } from "./browser.ts"

const APP = {
  "index.html": `<!doctype html><html lang="en"><head><meta charset="UTF-8" /><title>App</title></head>
<body><div id="root">not run</div><form id="form"><button id="submit">Save</button></form><script type="module" src="/src/main.ts"></script></body></html>`,
  "src/main.ts": `import "./style.css"
const root = document.getElementById("root")!
root.style.padding = "3px"
document.getElementById("form")!.addEventListener("submit", (event) => { event.preventDefault(); document.body.dataset["submitted"] = "yes" })
void import("./lazy.ts").then(({ word }) => { root.textContent = \`ran, \${word}, origin \${self.origin}\` })`,
  "src/lazy.ts": `export const word = "lazy chunk loaded"`,
  "src/style.css": "body { color: rgb(1, 2, 3); }",
}

const chromium = useChromium()
let world: VersionWorld
let previewPath = ""
let dir = ""
const servers: Server[] = []

const listen = async (server: Server) => {
  servers.push(server)
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

let platform = ""
let otherSite = ""

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "second-preview-app-"))
  for (const [path, text] of Object.entries(APP)) {
    mkdirSync(join(dir, "app", path, ".."), { recursive: true })
    writeFileSync(join(dir, "app", path), text)
  }
  await build({ root: join(dir, "app"), configFile: false, logLevel: "silent", base: "./", build: { outDir: join(dir, "dist"), emptyOutDir: true } })
  const walk = (at: string): string[] => readdirSync(at).flatMap((name) => (statSync(join(at, name)).isDirectory() ? walk(join(at, name)) : [join(at, name)]))
  const files = Object.fromEntries(walk(join(dir, "dist")).map((file) => [`dist/${relative(join(dir, "dist"), file)}`, readFileSync(file, "utf8")]))

  world = await createVersionWorld()
  const { app, run } = await world.appInTurn()
  const built = await world.postBuild({ ...buildReport(run, "vite"), source: { files, binaryFiles: {}, skipped: [] } })
  expect(built.status).toBe(200)
  previewPath = (await world.caller(world.people.creator).versions.preview({ workspaceId: world.workspaceId, appId: app.id })).url

  platform = await listen(
    createServer((req, res) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value)
      res.setHeader("content-security-policy", contentSecurityPolicy("bm9uY2U", "production"))
      const path = req.url ?? "/"
      if (path.startsWith("/preview/")) {
        const request = new Request(`${platform}${path}`, { headers: { cookie: "second_session=a.b" } })
        const params = { token: path.split("/")[2] ?? "" }
        void loader({ request, params, context: { services: world.services, cspNonce: "" } }).then((response) => sendFetchResponse(res, response))
        return
      }
      const src = path === "/deep" ? `${previewPath}orders/5` : previewPath
      res.setHeader("content-type", "text/html; charset=utf-8")
      res.end(`<!doctype html><title>Builder</title><iframe title="Preview" sandbox="allow-scripts allow-forms" src="${src}"></iframe>`)
    }),
  )
  otherSite = await listen(
    createServer((_req, res) => {
      res.setHeader("content-type", "text/html; charset=utf-8")
      res.end(`<!doctype html><iframe title="Preview" sandbox="allow-scripts" src="${platform}${previewPath}"></iframe>`)
    }),
  )
}, 60_000)

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))))
  await world?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe("a preview in Chromium", () => {
  for (const [label, path] of [["at its top", "/"], ["at a client-side route deep in the app", "/deep"]] as const) {
    it(`runs a Vite build in the sandboxed iframe under its own CSP, ${label}`, async () => {
      const person = await chromium.person("builder", platform)
      await person.page.goto(path)
      const frame = person.page.frameLocator("iframe[title=Preview]")
      await expect.poll(() => frame.locator("#root").textContent(), { timeout: STEP_TIMEOUT_MS }).toBe("ran, lazy chunk loaded, origin null")
      await frame.locator("#submit").click()
      const body = frame.locator("body")
      await expect.poll(() => body.getAttribute("data-submitted"), { timeout: STEP_TIMEOUT_MS }).toBe("yes")
      expect(await body.evaluate((element) => getComputedStyle(element).color)).toBe("rgb(1, 2, 3)")
      expect(person.cspViolations).toEqual([])
    })
  }

  it("cannot be framed by another site", async () => {
    const person = await chromium.person("other site", otherSite)
    await person.page.goto("/")
    await expect.poll(() => person.cspViolations.join("\n"), { timeout: STEP_TIMEOUT_MS }).toMatch(/frame-ancestors 'self'/)
    expect(await person.page.frameLocator("iframe[title=Preview]").locator("#root").count()).toBe(0)
  })

  it("opened on its own, still runs with an opaque origin and reaches nothing of the platform", async () => {
    const person = await chromium.person("visitor", platform)
    await person.page.goto(previewPath)
    await expect.poll(() => person.page.locator("#root").textContent(), { timeout: STEP_TIMEOUT_MS }).toBe("ran, lazy chunk loaded, origin null")
    const reach = await person.page.evaluate(async () => {
      const cookie = (() => {
        try {
          return document.cookie
        } catch (error) {
          return (error as Error).name
        }
      })()
      const api = await fetch("/api/trpc/auth.me").then(
        (response) => `answered ${response.status}`,
        () => "refused",
      )
      return { cookie, api }
    })
    expect(reach).toEqual({ cookie: "SecurityError", api: "refused" })
  })
})
