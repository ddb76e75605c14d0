// What protects people using a browser: cross-site writes refused, a nonce-based CSP on pages,
// session cookies that scripts cannot read and that are Secure behind HTTPS (X-Forwarded-Proto
// only from a trusted proxy), and sessions that end on the server when signed out or revoked.

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import { startSecond, type SecondServer } from "#tests/fixtures/second-server.ts"

let server: SecondServer
let trustingProxy: SecondServer

beforeAll(async () => {
  ;[server, trustingProxy] = await Promise.all([startSecond(), startSecond({ SECOND_TRUST_PROXY: "1" })])
}, 60_000)

afterAll(async () => {
  await Promise.all([server?.stop(), trustingProxy?.stop()])
})

const signedIn = (email: string, on = server) => new HttpPerson(on.url).signIn(email)
const workspaceNames = async (person: HttpPerson) =>
  (await person.must<{ name: string }[]>("query", "workspaces.list")).map((workspace) => workspace.name)

describe("cross-site requests", () => {
  it("refuses writes sent from another site, and changes nothing", async () => {
    const ada = await signedIn("csrf@example.com")
    const forged = (headers: Record<string, string>) =>
      ada.request("/api/trpc/workspaces.create", {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ name: "Forged" }),
      })
    const fromEvil = await forged({ origin: "https://evil.example" })
    expect(fromEvil.status).toBe(403)
    expect(await fromEvil.text()).toMatch(/^Cross-site request refused/)
    expect((await forged({ origin: "null" })).status).toBe(403)
    // Older browsers may omit Origin; Sec-Fetch-Site still gives a cross-site form away.
    const withoutOrigin = await fetch(new URL("/workspaces/new", server.url), {
      method: "POST",
      headers: { cookie: ada.cookieHeader(), "sec-fetch-site": "cross-site" },
      body: new URLSearchParams({ name: "Forged too" }),
      redirect: "manual",
    })
    expect(withoutOrigin.status).toBe(403)
    expect((await ada.post("/workspaces/new", { name: "Made here" })).status).toBe(302)
    expect(await workspaceNames(ada)).toEqual(["Made here"])
  })

  it("accepts writes from this site, under either loopback name", async () => {
    const ada = await signedIn("same-site@example.com")
    const port = new URL(server.url).port
    for (const origin of [server.url, `http://localhost:${port}`]) {
      const reply = await ada.request("/api/trpc/workspaces.create", {
        method: "POST",
        headers: { "content-type": "application/json", origin },
        body: JSON.stringify({ name: `From ${origin}` }),
      })
      expect(reply.status, origin).toBe(200)
    }
  })
})

describe("requests", () => {
  it("never send a signed-in person to another site after sign-in", async () => {
    const ada = await signedIn("redirect@example.com")
    for (const returnTo of ["/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example"]) {
      const response = await ada.request(`/onboarding?returnTo=${encodeURIComponent(returnTo)}`)
      expect(response.headers.get("location"), returnTo).toBe("/")
    }
  })

  it("refuse oversized bodies, and bodies of unknown length, before reading them", async () => {
    // Raw requests: the oversized one sends its headers only, so the answer must come without the
    // body. (fetch writing the whole 2 MiB raced the server's close: EPIPE on a busy machine.)
    const { request } = await import("node:http")
    const answerTo = (path: string, headers: Record<string, string>) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const sent = request(new URL(path, server.url), { method: "POST", headers: { origin: server.url, ...headers } }, (response) => {
          let body = ""
          response.setEncoding("utf8")
          response.on("data", (chunk: string) => (body += chunk))
          response.on("end", () => {
            sent.destroy()
            resolve({ status: response.statusCode ?? 0, body })
          })
        })
        sent.on("error", reject)
        if ("content-length" in headers) sent.flushHeaders()
        else {
          sent.write("a") // written before end: Node sends it chunked, with no Content-Length
          sent.end()
        }
      })
    const big = await answerTo("/api/trpc/workspaces.create", { "content-type": "application/json", "content-length": String(2 * 1024 * 1024) })
    expect(big.status).toBe(413)
    expect(big.body).toMatch(/larger than/)
    const chunked = await answerTo("/auth/sign-out", {})
    expect(chunked.status).toBe(411)
  })

  it("refuse a batch of more than 16 calls in one request", async () => {
    const calls = (count: number) => `/api/trpc/${Array(count).fill("health").join(",")}?batch=1&input=${encodeURIComponent(JSON.stringify({}))}`
    expect((await fetch(new URL(calls(16), server.url))).status).toBe(200)
    expect((await fetch(new URL(calls(17), server.url))).status).toBe(400)
  })
})

describe("page protections", () => {
  it("sends a nonce CSP that every inline script carries, and refuses framing", async () => {
    const response = await fetch(new URL("/onboarding", server.url))
    const csp = response.headers.get("content-security-policy") ?? ""
    const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(csp)?.[1]
    expect(nonce).toBeDefined()
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("object-src 'none'")
    expect(csp).not.toContain("unsafe-inline")
    const html = await response.text()
    const inlineScripts = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((match) => match[1] ?? "")
    expect(inlineScripts.length).toBeGreaterThan(0)
    for (const attributes of inlineScripts) expect(attributes).toContain(`nonce="${nonce}"`)
    expect(response.headers.get("x-frame-options")).toBe("DENY")
    expect(response.headers.get("x-content-type-options")).toBe("nosniff")
    expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin")
    const again = await fetch(new URL("/onboarding", server.url))
    expect(again.headers.get("content-security-policy")).not.toContain(nonce)
  })
})

describe("session cookies", () => {
  const sessionCookieFrom = async (on: SecondServer, headers: Record<string, string>) => {
    const response = await fetch(new URL("/onboarding", on.url), {
      method: "POST",
      headers: { origin: on.url, ...headers },
      body: new URLSearchParams({ displayName: "Cookie", email: `cookie-${Math.random()}@example.com`, returnTo: "/" }),
      redirect: "manual",
    })
    return response.headers.getSetCookie().find((cookie) => cookie.startsWith("second_session=")) ?? ""
  }

  it("cannot be read by scripts or sent cross-site, and is Secure only behind a trusted HTTPS proxy", async () => {
    const plain = await sessionCookieFrom(server, {})
    expect(plain).toMatch(/; HttpOnly/)
    expect(plain).toMatch(/; SameSite=Lax/)
    expect(plain).not.toMatch(/Secure/)
    expect(await sessionCookieFrom(server, { "x-forwarded-proto": "https" })).not.toMatch(/Secure/)
    expect(await sessionCookieFrom(trustingProxy, { "x-forwarded-proto": "https" })).toMatch(/; Secure/)
  })

  it("is refused when tampered with", async () => {
    const ada = await signedIn("tamper@example.com")
    const cookie = ada.cookieHeader().replace(/second_session=([^;.]+)\./, (_all, token: string) => `second_session=${token.slice(0, -1)}x.`)
    const me = await fetch(new URL("/api/trpc/auth.me", server.url), { headers: { cookie } })
    expect(((await me.json()) as { result: { data: { user: unknown } } }).result.data.user).toBeNull()
  })
})

describe("sessions", () => {
  it("end on the server at sign-out: a copied cookie stops working too", async () => {
    const ada = await signedIn("signout@example.com")
    const copy = ada.cookieHeader()
    expect((await ada.post("/auth/sign-out", {})).status).toBe(302)
    const replay = await fetch(new URL("/api/trpc/workspaces.list", server.url), { headers: { cookie: copy } })
    expect(replay.status).toBe(401)
  })

  it("can be revoked from another browser", async () => {
    const laptop = await signedIn("two-browsers@example.com")
    const phone = await signedIn("two-browsers@example.com")
    const sessions = await laptop.must<{ id: string; current: boolean }[]>("query", "auth.sessions")
    expect(sessions).toHaveLength(2)
    const phoneSession = sessions.find((session) => !session.current)!
    await laptop.must("mutation", "auth.revokeSession", { sessionId: phoneSession.id })
    expect((await phone.query("workspaces.list")).status).toBe(401)
    expect((await laptop.query("workspaces.list")).status).toBe(200)
    // Nobody can revoke someone else's session.
    const stranger = await signedIn("stranger@example.com")
    const laptopSession = sessions.find((session) => session.current)!
    expect((await stranger.mutate("auth.revokeSession", { sessionId: laptopSession.id })).status).toBe(404)
    expect((await laptop.query("workspaces.list")).status).toBe(200)
  })
})

describe("none mode", () => {
  it("says at startup that it listens on loopback only", () => {
    expect(server.process.output()).toMatch(/auth mode none .*Listening on loopback only/)
  })
})
