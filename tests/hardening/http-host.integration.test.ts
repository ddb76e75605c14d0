// What the web's HTTP host does before any route runs, against real servers: it answers only for
// its own host names (DNS rebinding), works behind a proxy that rewrites Host, never lets the
// request target change the origin, marks every answer uncacheable and every page without device
// permissions, keeps Remix's data protocols away from APIs, keeps a connection usable after a body
// nobody read, and logs a refusal in one line.

import { Agent, request } from "node:http"
import { connect } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import { startSecond, type SecondServer } from "#tests/fixtures/second-server.ts"

let server: SecondServer
let proxied: SecondServer
const PUBLIC = "https://second.example.com"

beforeAll(async () => {
  ;[server, proxied] = await Promise.all([startSecond(), startSecond({ SECOND_PUBLIC_URL: PUBLIC, SECOND_TRUST_PROXY: "1" })])
}, 60_000)

afterAll(async () => {
  await Promise.all([server?.stop(), proxied?.stop()])
})

interface RawAnswer {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: string
}

/** One request sent exactly as given (Host and target included), the way a proxy or an attacker can. */
function raw(on: SecondServer, options: { path: string; method?: string; headers?: Record<string, string>; body?: string; agent?: Agent }): Promise<RawAnswer> {
  const url = new URL(on.url)
  return new Promise((resolve, reject) => {
    const sent = request(
      { host: url.hostname, port: url.port, path: options.path, method: options.method ?? "GET", headers: options.headers, agent: options.agent ?? false },
      (response) => {
        let body = ""
        response.setEncoding("utf8")
        response.on("data", (chunk: string) => (body += chunk))
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }))
      },
    )
    sent.on("error", reject)
    sent.end(options.body)
  })
}

describe("Host names", () => {
  it("are refused with 421 unless they are the public URL's or loopback names (DNS rebinding)", async () => {
    const port = new URL(server.url).port
    for (const host of [`evil.example:${port}`, "evil.example", `127.0.0.1.evil.example:${port}`, "[::2]"]) {
      const answer = await raw(server, { path: "/onboarding", headers: { host } })
      expect(answer.status, host).toBe(421)
      expect(answer.body).toMatch(/^This server answers for 127\.0\.0\.1 \(SECOND_PUBLIC_URL\)/)
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      expect((await raw(server, { path: "/onboarding", headers: { host } })).status, host).toBe(200)
    }
  })

  it("do not matter to /healthz (probes use pod addresses) or to the token-checked internal API", async () => {
    expect((await raw(server, { path: "/healthz", headers: { host: "10.1.2.3:3000" } })).status).toBe(200)
    const internal = await raw(server, { path: "/api/internal/runs/aaaaaaaaaaaaaaaaaaaaaaaa/complete", method: "POST", headers: { host: "web:3000" }, body: "" })
    expect(internal.status).toBe(401)
    // Dot segments cannot borrow that exemption for another path.
    expect((await raw(server, { path: "/api/internal/../../onboarding", headers: { host: "evil.example" } })).status).toBe(421)
  })
})

describe("behind a reverse proxy (SECOND_TRUST_PROXY=1)", () => {
  const signIn = (headers: Record<string, string>) =>
    raw(proxied, {
      path: "/onboarding",
      method: "POST",
      headers: { origin: PUBLIC, "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams({ displayName: "Proxied", email: `proxied-${Math.random()}@example.com`, returnTo: "/account" }).toString(),
    })

  it("accepts forms when the proxy rewrote Host and sent X-Forwarded-Host (Remix no longer answers 500)", async () => {
    for (const host of ["web:3000", `127.0.0.1:${new URL(proxied.url).port}`]) {
      const answer = await signIn({ host, "x-forwarded-host": "second.example.com", "x-forwarded-proto": "https" })
      expect(answer.status, `${host}: ${answer.body.slice(0, 200)}`).toBe(302)
      expect(answer.headers.location).toBe("/account")
    }
    expect((await signIn({ host: "second.example.com" })).status).toBe(302)
  })

  it("says what the proxy must send when Host names another site and nothing else does", async () => {
    const answer = await signIn({ host: "web:3000" })
    expect(answer.status).toBe(421)
    expect(answer.body).toContain("A reverse proxy must pass the Host header through, or send X-Forwarded-Host with SECOND_TRUST_PROXY=1 set here.")
  })

  it("trusts X-Forwarded-Host only from a trusted proxy", async () => {
    const answer = await raw(server, { path: "/onboarding", headers: { host: "evil.example", "x-forwarded-host": "127.0.0.1" } })
    expect(answer.status).toBe(421)
  })
})

describe("request targets", () => {
  it("never change the origin the app sees: //host/path is a path here, and an absolute URL only lends its path", async () => {
    // Before: "//evil.example/account" was served as /account with evil.example as the URL's host.
    expect((await raw(server, { path: "//evil.example/account" })).status).toBe(404)
    const absolute = await raw(server, { path: "http://evil.example/account?tab=1" })
    expect(absolute.status).toBe(302)
    expect(absolute.headers.location).toBe("/onboarding?returnTo=%2Faccount%3Ftab%3D1")
  })
})

describe("answers", () => {
  it("are never stored by caches, and pages may not ask for cameras, microphones or locations", async () => {
    const ada = await new HttpPerson(server.url).signIn("headers@example.com")
    for (const response of [await ada.request("/account"), await ada.request("/api/trpc/auth.me"), await fetch(new URL("/onboarding", server.url))]) {
      expect(response.headers.get("cache-control")).toBe("no-store")
      expect(response.headers.get("permissions-policy")).toMatch(/(^|, )camera=\(\)(,|$)/)
      expect(response.headers.get("permissions-policy")).toMatch(/microphone=\(\).*geolocation=\(\)|geolocation=\(\).*microphone=\(\)/)
    }
    // Fingerprinted assets keep their long cache.
    const html = await (await fetch(new URL("/onboarding", server.url))).text()
    const asset = /\/assets\/[^"]+\.js/.exec(html)![0]
    expect((await fetch(new URL(asset, server.url))).headers.get("cache-control")).toMatch(/immutable/)
  })
})

describe("Remix's data protocols", () => {
  it("are not served for APIs, however the path is spelled: an event stream as /x.data would never end", async () => {
    const ada = await new HttpPerson(server.url).signIn("data@example.com")
    const { id } = await ada.must<{ id: string }>("mutation", "workspaces.create", { name: "Data" })
    for (const api of ["/api", "/API", "/Api", "/%61pi", "/ap%69"]) {
      const answer = await ada.request(`${api}/w/${id}/events.data`, { signal: AbortSignal.timeout(10_000) })
      expect(answer.status, api).toBe(404)
    }
  })

  it("refuse the retired ?_data= protocol with 400, instead of logging a stack for each", async () => {
    const answer = await fetch(new URL("/onboarding?_data=routes%2Fonboarding", server.url))
    expect(answer.status).toBe(400)
    expect(await answer.text()).toMatch(/single fetch/)
  })
})

describe("connections", () => {
  it("stay usable after a request whose body was never read (refused before its input was parsed)", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    try {
      const unread = JSON.stringify({ name: "x".repeat(200_000) })
      for (let round = 0; round < 3; round += 1) {
        const refused = await raw(server, {
          path: "/api/trpc/workspaces.create",
          method: "POST",
          headers: { "content-type": "application/json", origin: server.url, "content-length": String(Buffer.byteLength(unread)) },
          body: unread,
          agent,
        })
        expect(refused.status).toBe(401)
        // The same socket, reused: before, this one was reset.
        expect((await raw(server, { path: "/healthz", agent })).status).toBe(200)
      }
    } finally {
      agent.destroy()
    }
  })
})

describe("methods, paths and headers nothing here serves", () => {
  it("get a 4xx that says what to use, before anything parses them", async () => {
    // (Methods Node does not know at all, like TRACK, its parser already answers with 400.)
    for (const method of ["TRACE", "PROPFIND", "MKCOL", "LOCK"]) {
      const answer = await raw(server, { path: "/healthz", method })
      expect(answer.status, method).toBe(405)
      expect(answer.body).toMatch(/^The method [A-Z]+ is not served here; use GET, HEAD, POST/)
    }
    const undecodable = await raw(server, { path: "/w/%zz" })
    expect(undecodable.status).toBe(400)
    expect(undecodable.body).toBe("The path is not valid percent-encoding.")
    const twoHosts = await new Promise<number>((resolve, reject) => {
      const url = new URL(server.url)
      const socket = connect(Number(url.port), url.hostname, () =>
        socket.write(`GET /onboarding HTTP/1.1\r\nHost: ${url.host}\r\nHost: evil.example\r\nConnection: close\r\n\r\n`),
      )
      let reply = ""
      socket.on("data", (chunk) => (reply += chunk.toString()))
      socket.on("end", () => resolve(Number(reply.split(" ")[1])))
      socket.on("error", reject)
    })
    expect(twoHosts).toBe(400)
  })

  it("answer a resource route's missing half with 405 and the method to use, not Remix's \"Unexpected Server Error\"", async () => {
    const signOut = await fetch(new URL("/auth/sign-out", server.url))
    expect([signOut.status, signOut.headers.get("allow"), await signOut.text()]).toEqual([405, "POST", "Use POST here."])
    const health = await fetch(new URL("/healthz", server.url), { method: "POST", headers: { origin: server.url }, body: "" })
    expect([health.status, health.headers.get("allow"), await health.text()]).toEqual([405, "GET", "Use GET here."])
  })

  it("show a page without Remix's own wording, which names internal route ids", async () => {
    const missing = await fetch(new URL("/nope", server.url))
    expect(missing.status).toBe(404)
    expect(await missing.text()).toContain("There is no page at this address.")
    const noAction = await fetch(new URL("/workspaces/new", server.url), { method: "PUT", headers: { origin: server.url, "content-type": "application/x-www-form-urlencoded" }, body: "a=1" })
    const page = await fetch(new URL("/", server.url), { method: "POST", headers: { origin: server.url, "content-type": "application/x-www-form-urlencoded" }, body: "a=1" })
    expect(page.status).toBe(405)
    const html = await page.text()
    expect(html).toContain("This page does not take that kind of request.")
    expect(html).not.toMatch(/<p[^>]*>[^<]*did not provide an/)
    await noAction.body?.cancel()
  })
})

describe("the log", () => {
  it("gets one line, not a stack, for a request Remix refuses", async () => {
    const before = server.process.output().length
    expect((await fetch(new URL("/", server.url), { method: "POST", headers: { origin: server.url }, body: "x=1" })).status).toBe(405)
    // A page with a loader and no action.
    const usage = new URL(`/w/${"a".repeat(24)}/settings/usage`, server.url)
    expect((await fetch(usage, { method: "POST", headers: { origin: server.url }, body: "x=1" })).status).toBe(405)
    const logged = server.process.output().slice(before)
    expect(logged).not.toMatch(/\n\s+at /)
    expect(logged.match(/request refused \(405\)/g)).toHaveLength(2)
  })

  it("gets nothing for a path that cannot be decoded (Remix warned three times for each)", async () => {
    const before = server.process.output().length
    for (const path of ["/%", "/%zz", "/w/%ff"]) expect((await raw(server, { path })).status).toBe(400)
    expect(server.process.output().slice(before)).toBe("")
  })
})
