// Settings → Connected apps as the server renders it: providers an admin has not set up offer no
// Connect, missing scopes stand out, and nothing but known codes comes from the URL, on the page
// itself, in the notice after the provider sends the person back, and on the not-completed page.

import { renderToStaticMarkup } from "react-dom/server"
import { createMemoryRouter, RouterProvider } from "react-router-dom"
import { describe, expect, it } from "vitest"
import type { CallbackErrorCode } from "#app/integrations/oauth/connect-callback.server.ts"
import { renderInRouter, textOf } from "#tests/fixtures/render-in-router.tsx"
import { ConnectionRow } from "./connection-row.tsx"
import { AT, connection } from "./integrations-test-fixtures.ts"
import { NotCompletedPage, notCompletedSentence } from "./not-completed-page.tsx"
import { oauthErrorSentence } from "./oauth-outcome-text.ts"
import { ReturnNotice } from "./return-notice.tsx"

describe("a provider on Connected apps", () => {
  it("offers Connect when an admin set it up, and says who needs it", async () => {
    const text = textOf(
      await renderInRouter(
        <ul>
          <ConnectionRow connection={connection({})} />
        </ul>
      )
    )
    expect(text).toContain("Not connected")
    expect(text).toContain("Connect Acme CRM")
    expect(text).toContain("Used by Sales desk")
  })

  it("says to ask an admin, with no Connect, when nobody set it up", async () => {
    const html = await renderInRouter(
      <ul>
        <ConnectionRow connection={connection({ configured: false })} />
      </ul>
    )
    expect(textOf(html)).toContain("Not set up yet — ask an admin.")
    expect(html).not.toContain('value="connect"')
  })

  it("marks the scopes not granted and offers Reconnect and Disconnect", async () => {
    const html = await renderInRouter(
      <ul>
        <ConnectionRow
          connection={connection({
            status: "connected",
            grantedScopes: ["contacts.read"],
            missingScopes: ["deals.write"],
            connectedAt: AT,
            lastRefreshAt: AT,
          })}
        />
      </ul>
    )
    const text = textOf(html)
    expect(text).toContain("Connected")
    expect(text).toContain("deals.write — not granted")
    expect(text).not.toContain("contacts.read — not granted")
    expect(text).toContain("Reconnect Acme CRM")
    expect(text).toContain("Disconnect Acme CRM")
    expect(html).toContain(`dateTime="${AT}"`)
  })

  it("says a reconnect is needed", async () => {
    const text = textOf(
      await renderInRouter(
        <ul>
          <ConnectionRow
            connection={connection({
              status: "reconnect_needed",
              connectedAt: AT,
            })}
          />
        </ul>
      )
    )
    expect(text).toContain("Reconnect needed")
    expect(text).toContain("Reconnect Acme CRM")
    expect(text).toContain("The provider no longer accepts this connection.")
    // No "Connected just now" beside "Reconnect needed".
    expect(text).not.toMatch(/Connected \S+ ago|Connected just now/)
  })

  it("says an admin replaced the client, not that the provider refused, when that is why", async () => {
    const text = textOf(
      await renderInRouter(
        <ul>
          <ConnectionRow connection={connection({ status: "reconnect_needed", connectedAt: AT, lastErrorCode: "provider_changed" })} />
        </ul>
      )
    )
    expect(text).toContain("An admin replaced this provider's OAuth client: reconnect to keep using it.")
    expect(text).not.toContain("The provider no longer accepts")
  })

  it("says Connecting…, disabled and busy, while its Connect is on its way to the provider", async () => {
    // A data router whose Connect action never answers: the navigation stays "submitting".
    const router = createMemoryRouter([
      {
        path: "/",
        element: (
          <ul>
            <ConnectionRow connection={connection({})} />
            <ConnectionRow connection={connection({ providerKey: "other", displayName: "Other CRM" })} />
          </ul>
        ),
        action: () => new Promise<never>(() => undefined),
      },
    ])
    const form = new FormData()
    form.set("providerKey", "acme-crm")
    form.set("intent", "connect")
    void router.navigate("/", { formMethod: "post", formData: form })
    expect(router.state.navigation.state).toBe("submitting")
    const html = renderToStaticMarkup(<RouterProvider router={router} />)
    router.dispose()
    const buttons = [...html.matchAll(/<button[^>]*value="connect"[^>]*>.*?<\/button>/g)].map(([tag]) => tag)
    expect(buttons).toHaveLength(2)
    expect(buttons[0]).toContain(' disabled=""')
    expect(buttons[0]).toContain('aria-busy="true"')
    expect(textOf(buttons[0]!)).toBe("Connecting… Acme CRM")
    // Another row's Connect is untouched.
    expect(textOf(buttons[1]!)).toBe("Connect Other CRM")
    expect(buttons[1]).not.toContain(' disabled=""')
  })
})

describe("coming back from the provider", () => {
  const list = [{ providerKey: "acme-crm", displayName: "Acme CRM" }]

  it("names the provider it connected, when the page lists it", async () => {
    expect(textOf(await renderInRouter(<ReturnNotice connections={list} />, "http://localhost/?connected=acme-crm"))).toContain("Connected Acme CRM.")
    const other = textOf(await renderInRouter(<ReturnNotice connections={list} />, "http://localhost/?connected=%3Cb%3Eevil%3C%2Fb%3E"))
    expect(other).toContain("Connected.")
    expect(other).not.toContain("evil")
  })

  it("turns a known error code into its sentence and anything else into a generic one, never echoing the URL", async () => {
    expect(textOf(await renderInRouter(<ReturnNotice connections={list} />, "http://localhost/?oauth_error=state_expired"))).toContain(
      "took too long and expired"
    )
    const odd = await renderInRouter(<ReturnNotice connections={list} />, "http://localhost/?oauth_error=Your%20account%20was%20hacked%2C%20call%20us")
    expect(textOf(odd)).toContain("Connecting did not work")
    expect(odd).not.toContain("hacked")
    expect(oauthErrorSentence("toString")).toBe(oauthErrorSentence("no_such_code"))
    // Every code the callback sends (CallbackErrorCode) has its own sentence.
    // A new CallbackErrorCode fails to compile here until it is listed.
    const sent: Record<CallbackErrorCode, true> = {
      access_denied: true,
      provider_error: true,
      missing_code: true,
      provider_changed: true,
      token_exchange_failed: true,
      missing_scopes: true,
      secret_store_unavailable: true,
      connection_changed: true,
    }
    for (const code of Object.keys(sent)) expect(oauthErrorSentence(code)).not.toBe(oauthErrorSentence("no_such_code"))
  })
})

describe("a connect attempt the callback could not trust", () => {
  it("says why for a code the callback sends, and a generic sentence for anything else, never the URL's text", async () => {
    expect(notCompletedSentence("expired")).toContain("expired or was already used")
    expect(notCompletedSentence("toString")).toBe(notCompletedSentence(null))
    const odd = notCompletedSentence("Your account was hacked, call us")
    expect(odd).toBe(notCompletedSentence(null))
    expect(odd).not.toContain("hacked")
  })

  it("offers the way back to the person's Connected apps, and to Second", async () => {
    const path = `/w/${"c".repeat(24)}/settings/connected-apps`
    const html = await renderInRouter(<NotCompletedPage sentence={notCompletedSentence("other_session")} connectedApps={path} />)
    expect(html).toMatch(/<h1[^>]*>Connection not completed<\/h1>/)
    expect(textOf(html)).toContain("started in another browser")
    expect(html).toMatch(new RegExp(`<a href="${path}"[^>]*>Go to Connected apps</a>`))
    expect(textOf(html)).toContain("Back to Second")
    const signedOut = await renderInRouter(<NotCompletedPage sentence={notCompletedSentence(null)} connectedApps={null} />)
    expect(signedOut).toMatch(/<a href="\/"[^>]*>Go to Connected apps<\/a>/)
  })
})
