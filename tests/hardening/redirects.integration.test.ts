// Every entry point that takes a returnTo, over the whole generated list of tricks, against real
// servers in both auth modes: wherever a browser is sent afterwards, it stays on this site.

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startFakeOidcIssuer, type FakeOidcIssuer } from "#tests/fixtures/fake-oidc-issuer.ts"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import { startSecond, type SecondServer } from "#tests/fixtures/second-server.ts"
import { REDIRECT_TRICKS, staysOnSite } from "./redirect-tricks.ts"

let none: SecondServer
let external: SecondServer
let issuer: FakeOidcIssuer

beforeAll(async () => {
  issuer = await startFakeOidcIssuer({ path: "/realms/acme" })
  ;[none, external] = await Promise.all([
    startSecond(),
    startSecond({
      SECOND_AUTH_MODE: "external",
      SECOND_OIDC_ISSUER: issuer.issuer.href,
      SECOND_OIDC_CLIENT_ID: issuer.clientId,
      SECOND_OIDC_CLIENT_SECRET: issuer.clientSecret,
    }),
  ])
}, 60_000)

afterAll(async () => {
  await Promise.all([none?.stop(), external?.stop()])
  await issuer?.stop()
})

/** Runs `check` for every trick, a few at a time, and returns the tricks whose redirect left the site. */
async function escapes(check: (trick: string) => Promise<string | null>): Promise<{ trick: string; location: string }[]> {
  const found: { trick: string; location: string }[] = []
  const queue = [...REDIRECT_TRICKS]
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let trick = queue.shift(); trick !== undefined; trick = queue.shift()) {
        const location = await check(trick)
        if (location !== null) found.push({ trick, location })
      }
    }),
  )
  return found
}

/** The Location a response sends the browser to, or null when it stays on `base`. */
function offSite(response: Response, base: string): string | null {
  expect(response.status, "a redirect").toBe(302)
  const location = response.headers.get("location") ?? ""
  return staysOnSite(location, base) ? null : location
}

/** A same-site redirect to a sign-in page carries returnTo on: that nested target must stay on the site too. */
function offSiteThroughSignIn(response: Response, base: string): string | null {
  const direct = offSite(response, base)
  if (direct) return direct
  const nested = new URL(response.headers.get("location")!, base).searchParams.get("returnTo")
  return nested === null || staysOnSite(nested, base) ? null : `${response.headers.get("location")} → ${nested}`
}

const encoded = (trick: string) => encodeURIComponent(trick)

describe(`returnTo, over ${REDIRECT_TRICKS.length} generated tricks`, () => {
  it("GET /onboarding, signed in, sends the browser only to this site", async () => {
    const ada = await new HttpPerson(none.url).signIn("redirect-get@example.com")
    expect(await escapes(async (trick) => offSite(await ada.request(`/onboarding?returnTo=${encoded(trick)}`), none.url))).toEqual([])
  })

  it("POST /onboarding (signing in) sends the browser only to this site", async () => {
    let count = 0
    const found = await escapes(async (trick) => {
      count += 1
      const person = new HttpPerson(none.url)
      return offSite(await person.post("/onboarding", { displayName: "Tricky", email: `tricky-${count}@example.com`, returnTo: trick }), none.url)
    })
    expect(found).toEqual([])
  })

  it("POST /auth/sign-out sends the browser only to this site", async () => {
    const person = new HttpPerson(none.url)
    expect(await escapes(async (trick) => offSite(await person.post("/auth/sign-out", { returnTo: trick }), none.url))).toEqual([])
  })

  it("GET /sign-in in none mode passes on only a path of this site", async () => {
    const person = new HttpPerson(none.url)
    expect(await escapes(async (trick) => offSiteThroughSignIn(await person.request(`/sign-in?returnTo=${encoded(trick)}`), none.url))).toEqual([])
  })

  it("GET /sign-in in external mode, signed in, sends the browser only to this site", async () => {
    const ada = new HttpPerson(external.url)
    issuer.setNextIdentity({ sub: "redirects", email: "redirects@acme.test", email_verified: true })
    const start = await ada.request("/auth/oidc/start?returnTo=%2F")
    const approved = await fetch(start.headers.get("location")!, { redirect: "manual" })
    const callback = new URL(approved.headers.get("location")!)
    expect((await ada.request(callback.pathname + callback.search)).status).toBe(302)
    expect(ada.signedIn).toBe(true)
    expect(await escapes(async (trick) => offSite(await ada.request(`/sign-in?returnTo=${encoded(trick)}`), external.url))).toEqual([])
  })

  it("the OpenID Connect round trip (start, issuer, callback) ends only on this site", async () => {
    // One sign-in at a time: the fake issuer hands out the identity set last.
    const found: { trick: string; location: string }[] = []
    for (const [index, trick] of REDIRECT_TRICKS.entries()) {
      if (index % 6 !== 0) continue
      const person = new HttpPerson(external.url)
      issuer.setNextIdentity({ sub: `trick-${index}`, email: `trick-${index}@acme.test`, email_verified: true })
      const start = await person.request(`/auth/oidc/start?returnTo=${encoded(trick)}`)
      const approved = await fetch(start.headers.get("location")!, { redirect: "manual" })
      const callback = new URL(approved.headers.get("location")!)
      const location = offSite(await person.request(callback.pathname + callback.search), external.url)
      if (location !== null) found.push({ trick, location })
    }
    expect(found).toEqual([])
  })
})
