// GET /preview/<token>/<path> in-process: a version's dist/ served with the right content types,
// index.html for the app's own routes, nothing outside dist/ whatever the path says, and the
// preview's own headers (its CSP, no cookie, CORS for the sandbox's module scripts), also as the
// real Node host sends them over the platform's.

import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import { newId } from "#shared/ids.ts"
import { buildReport, createVersionWorld, type VersionWorld } from "#tests/fixtures/version-world.ts"
import { loader } from "../routes/preview.$token.$.ts"
import { SECURITY_HEADERS } from "../server/security.server.ts"
import { sendFetchResponse } from "../server/node-fetch.server.ts"
import { apps, appVersions } from "../store/collections.server.ts"
import { PREVIEW_CSP } from "./preview-serving.server.ts"
import { previewUrl } from "./preview-token.server.ts"

const worlds: VersionWorld[] = []
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
  for (const world of worlds.splice(0)) await world.close()
})

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0])
const WOFF2 = Buffer.from([0x77, 0x4f, 0x46, 0x32, 0, 1, 0, 0])

/** A built app with a file of each kind, its current version's preview URL, and a way to GET below it. */
async function previewed() {
  const given = await createVersionWorld()
  worlds.push(given)
  const { app, run } = await given.appInTurn()
  const report = buildReport(run, "abc")
  const source = {
    ...report.source,
    files: {
      ...report.source.files,
      "dist/assets/index-abc.css": "body{color:red}",
      "dist/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
      "dist/docs/index.html": "<!doctype html><p>docs</p>",
      "dist/data.bin.unknownext": "?",
      "src/secret.ts": "export const notServed = true",
    },
    binaryFiles: { "dist/assets/logo-abc.png": PNG.toString("base64"), "dist/assets/font-abc.woff2": WOFF2.toString("base64") },
  }
  expect((await given.postBuild({ ...report, source })).status).toBe(200)
  const preview = await given.caller(given.people.creator).versions.preview({ workspaceId: given.workspaceId, appId: app.id })
  const token = preview.url.split("/")[2]!
  /** `path` below the preview URL, or a whole path ("/preview/…"); the token parameter is read from it, as Remix would. */
  const get = (path: string, init: RequestInit = {}) => {
    const request = new Request(`http://second.test${path.startsWith("/") ? path : `${preview.url}${path}`}`, init)
    const params = { token: decodeURIComponent(new URL(request.url).pathname.split("/")[2] ?? "") }
    return loader({ request, params, context: { services: given.services, cspNonce: "" } })
  }
  return { given, app, preview, token, get }
}

describe("serving a version's build", () => {
  it("serves each file with its content type, and index.html at the top", async () => {
    const { get } = await previewed()
    const cases: [string, string, string | Buffer][] = [
      ["", "text/html; charset=utf-8", '<script type="module" crossorigin src="./assets/index-abc.js">'],
      ["index.html", "text/html; charset=utf-8", "<div id=\"root\">"],
      ["assets/index-abc.js", "text/javascript; charset=utf-8", 'textContent = "abc"'],
      ["assets/index-abc.css", "text/css; charset=utf-8", "body{color:red}"],
      ["logo.svg", "image/svg+xml", "<svg"],
      ["assets/logo-abc.png", "image/png", PNG],
      ["assets/font-abc.woff2", "font/woff2", WOFF2],
      ["data.bin.unknownext", "application/octet-stream", "?"],
      ["docs/", "text/html; charset=utf-8", "<p>docs</p>"],
    ]
    for (const [path, type, content] of cases) {
      const response = await get(path)
      expect(response.status, path).toBe(200)
      expect(response.headers.get("content-type"), path).toBe(type)
      const body = Buffer.from(await response.arrayBuffer())
      if (typeof content === "string") expect(body.toString("utf8"), path).toContain(content)
      else expect(body.equals(content), path).toBe(true)
      expect(response.headers.get("content-length"), path).toBe(String(body.length))
    }
  })

  it("answers the app's own routes with index.html, pointing relative URLs at the app's top when deeper", async () => {
    const { get, token } = await previewed()
    const shallow = await (await get("orders")).text()
    expect(shallow).toContain('src="./assets/index-abc.js"')
    expect(shallow).not.toContain("<base")
    for (const deep of ["orders/5", "orders/", "a/b/c?tab=2"]) {
      const response = await get(deep)
      expect(response.status, deep).toBe(200)
      expect(await response.text(), deep).toContain(`<head><base href="/preview/${token}/"><script`)
    }
  })

  it("redirects the bare token path to the app's top, so relative URLs resolve inside it", async () => {
    const { get, preview } = await previewed()
    const response = await get(preview.url.slice(0, -1))
    expect(response.status).toBe(308)
    expect(response.headers.get("location")).toBe(preview.url)
  })

  it("serves nothing outside dist/, nor a missing file, whatever the path says", async () => {
    const { get } = await previewed()
    const outside = [
      "../src/secret.ts",
      "..%2fsrc%2fsecret.ts",
      "..%2F..%2Fsrc/secret.ts",
      "%2e%2e/src/secret.ts",
      "assets/..%2f..%2fsrc%2fsecret.ts",
      "assets%2f..%2f..%2fsrc%2fsecret.ts",
      "..\\src\\secret.ts",
      "%2e%2e%5csrc%5csecret.ts",
      "src/secret.ts",
      "dist/index.html",
      ".env",
      "%00",
      "assets/index-abc.js%00.html",
      "assets//index-abc.js",
      "%E0%A4%A",
      "missing.js",
      "assets/missing.png",
    ]
    for (const path of outside) {
      const response = await get(path)
      expect(response.status, path).toBe(404)
      const body = await response.text()
      expect(body, path).not.toContain("notServed")
      expect(body, path).toBe("Not found.")
    }
  })
})

describe("what a preview token opens", () => {
  it("404s a tampered or expired token, and a token naming a version of another app", async () => {
    const { given, app, token, get } = await previewed()
    const flipped = `${token.slice(0, 10)}${token[10] === "A" ? "B" : "A"}${token.slice(11)}`
    const version = (await given.services.store.collection(appVersions).findOne({ appId: app.id }))!
    const expired = previewUrl(given.services.auth.sessionKey, { workspaceId: app.workspaceId, appId: app.id, versionId: version.id }, Date.now() - 13 * 60 * 60 * 1000)
    const other = await given.appInTurn()
    const otherAppsToken = previewUrl(given.services.auth.sessionKey, { workspaceId: app.workspaceId, appId: other.app.id, versionId: version.id })
    const otherWorkspace = previewUrl(given.services.auth.sessionKey, { workspaceId: given.outsiderWorkspaceId, appId: app.id, versionId: version.id })
    for (const url of [`/preview/${flipped}/`, expired.url, otherAppsToken.url, otherWorkspace.url, `/preview/${newId()}/`]) {
      expect((await get(`${url}assets/index-abc.js`)).status, url).toBe(404)
    }
  })

  it("stops serving a version once its app is deleted", async () => {
    const { given, app, get } = await previewed()
    expect((await get("")).status).toBe(200)
    await given.services.store.collection(appVersions).deleteMany({ appId: app.id })
    await given.services.store.collection(apps).deleteMany({ id: app.id })
    expect((await get("")).status).toBe(404)
    expect((await get("assets/index-abc.js")).status).toBe(404)
  })
})

describe("the preview's headers", () => {
  it("are its own: the app's CSP, no referrer, CORS for the sandbox, caching by kind, and never a cookie", async () => {
    const { get } = await previewed()
    const cookie = { headers: { cookie: "second_session=forged.value" } }
    const html = await get("", cookie)
    const asset = await get("assets/index-abc.js", cookie)
    const notFound = await get("missing.js", cookie)
    for (const response of [html, asset, notFound]) {
      expect(response.headers.get("content-security-policy")).toBe(PREVIEW_CSP)
      expect(response.headers.get("x-content-type-options")).toBe("nosniff")
      expect(response.headers.get("referrer-policy")).toBe("no-referrer")
      expect(response.headers.get("x-frame-options")).toBe("SAMEORIGIN")
      expect(response.headers.get("set-cookie")).toBeNull()
    }
    for (const response of [html, asset]) {
      expect(response.headers.get("access-control-allow-origin")).toBe("*")
      expect(response.headers.get("cross-origin-resource-policy")).toBe("cross-origin")
    }
    expect(html.headers.get("cache-control")).toBe("no-cache")
    expect(asset.headers.get("cache-control")).toBe("private, max-age=31536000, immutable")
    expect(PREVIEW_CSP).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
        "media-src 'self' data: blob:; connect-src 'none'; object-src 'none'; frame-ancestors 'self'; base-uri 'self'; form-action 'none'; " +
        "sandbox allow-scripts allow-forms allow-modals allow-popups allow-popups-to-escape-sandbox allow-downloads",
    )
  })

  it("replace the platform's when the Node host sends them (frame-ancestors 'none' and DENY would block the iframe)", async () => {
    const { get, preview } = await previewed()
    const server = createServer((req, res) => {
      // What app/server/http-host.server.ts does for every answer, before Remix runs.
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value)
      res.setHeader("content-security-policy", "default-src 'self'; frame-ancestors 'none'")
      void get(`${preview.url}${(req.url ?? "/").slice(1)}`).then((response) => sendFetchResponse(res, response))
    })
    await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready))
    closers.push(() => new Promise((done) => server.close(() => done())))
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/assets/index-abc.js`)
    expect(response.status).toBe(200)
    const headers = Object.fromEntries(response.headers)
    expect(headers["content-security-policy"]).toBe(PREVIEW_CSP)
    expect(headers["x-frame-options"]).toBe("SAMEORIGIN")
    expect(headers["referrer-policy"]).toBe("no-referrer")
    // The platform's other protections stay.
    expect(headers["permissions-policy"]).toBe(SECURITY_HEADERS["permissions-policy"])
    expect(headers["cross-origin-opener-policy"]).toBe("same-origin")
  })
})
