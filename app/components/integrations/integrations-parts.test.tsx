// The Integrations and Connected apps pages' parts as the server renders them: secrets are never
// in the page (write-only fields), providers an admin has not set up offer no Connect, missing
// scopes stand out, setup links are web links only, and nothing but known codes comes from the URL.

import { renderToStaticMarkup } from "react-dom/server"
import { createMemoryRouter, RouterProvider } from "react-router-dom"
import { beforeAll, describe, expect, it } from "vitest"
import type { CallbackErrorCode } from "#app/integrations/oauth/connect-callback.server.ts"
import { renderInRouter, textOf } from "#tests/fixtures/render-in-router.tsx"
import { loadRichText } from "../builder/rich-text.tsx"
import { AppKeyCard } from "./app-key-card.tsx"
import { ConnectionRow } from "./connection-row.tsx"
import { secretFormTarget, type ConnectionView, type KeyView, type NeededProvider, type ProviderView } from "./integration-views.ts"
import { formValues, OAuthClientCard } from "./oauth-client-card.tsx"
import { oauthErrorSentence } from "./oauth-outcome-text.ts"
import { readProviderForm } from "./provider-form.ts"
import { ALL_MARKED } from "./field-problems.ts"
import { NotCompletedPage, notCompletedSentence } from "./not-completed-page.tsx"
import { ReturnNotice } from "./return-notice.tsx"

beforeAll(async () => {
  expect(await loadRichText()).not.toBeNull()
})

const AT = "2025-03-05T14:03:00.000Z"

const crm: ProviderView = {
  providerKey: "acme-crm",
  displayName: "Acme CRM",
  clientId: "client-123",
  hasClientSecret: true,
  authorizationUrl: "https://crm.example.com/oauth/authorize",
  tokenUrl: "https://crm.example.com/oauth/token",
  revocationUrl: null,
  tokenAuthMethod: "client_secret_basic",
  authorizationParams: { access_type: "offline" },
  updatedAt: AT,
  updatedByName: "Ada",
  connectionCount: 3,
  lastConnectError: null,
}

const neededCrm: NeededProvider = {
  providerKey: "acme-crm",
  configured: false,
  scopes: ["contacts.read", "deals.write"],
  authorizationUrl: "https://crm.example.com/authorize-from-app",
  tokenUrl: "https://crm.example.com/token-from-app",
  tokenAuthMethod: "client_secret_post",
  apps: [{ appId: "a".repeat(24), name: "Sales desk" }],
}

/** The attributes of the one <input name=…> in the markup. */
const inputNamed = (html: string, name: string) => {
  const found = [...html.matchAll(/<input[^>]*>/g)].map(([tag]) => tag).filter((tag) => tag.includes(`name="${name}"`))
  expect(found, `one input named ${name}`).toHaveLength(1)
  return found[0]!
}

describe("an OAuth client's form", () => {
  it("keeps the client secret write-only: an empty password field that says one is stored", async () => {
    const html = await renderInRouter(<OAuthClientCard provider={crm} needed={neededCrm} values={formValues(crm, neededCrm, "acme-crm")} outcome={null} />)
    const secret = inputNamed(html, "clientSecret")
    expect(secret).toContain('type="password"')
    expect(secret).not.toContain("value=")
    expect(textOf(html)).toContain("Stored — leave empty to keep.")
    // What was saved wins over what the app's setup suggests.
    expect(inputNamed(html, "authorizationUrl")).toContain('value="https://crm.example.com/oauth/authorize"')
    expect(html).toContain('<option value="client_secret_basic" selected="">')
    expect(textOf(html)).toContain("Needed by Sales desk.")
    expect(textOf(html)).toContain("contacts.read")
  })

  it("never fills in the endpoints an app's builder wrote: they show as a warned suggestion with the host set apart, and no Remove", async () => {
    // A builder can name any host; a secret pasted into a form prefilled with it would go there.
    const evil: NeededProvider = {
      ...neededCrm,
      authorizationUrl: "https://accounts.google.com.evil.example/o/oauth2/auth",
      tokenUrl: "https://accounts.google.com@evil.example/token",
      tokenAuthMethod: "client_secret_basic",
    }
    const html = await renderInRouter(<OAuthClientCard provider={null} needed={evil} values={formValues(undefined, evil, "acme-crm")} outcome={null} />)
    for (const name of ["authorizationUrl", "tokenUrl", "revocationUrl"]) expect(inputNamed(html, name)).not.toMatch(/value="[^"]/)
    expect(html).not.toMatch(/<input[^>]*evil\.example/)
    // Only the token auth method is taken from the setup, as a default.
    expect(html).toContain('<option value="client_secret_basic" selected="">')
    const text = textOf(html)
    expect(text).toContain("Suggested by the builder of Sales desk")
    expect(text).toContain(
      "These came from an app's integration-setup.json, not from your provider. Copy the endpoints from your provider's documentation; use these only if the host is your provider's."
    )
    expect(text).toContain("Host: accounts.google.com.evil.example")
    // The host a browser would contact, not the user name dressed up as one.
    expect(text).toContain("Host: evil.example")
    expect(html).toContain("<strong")
    expect(html).toMatch(/<strong[^>]*>accounts\.google\.com\.evil\.example<\/strong>/)
    expect(html).toMatch(/<strong[^>]*>evil\.example<\/strong>/)
    expect(inputNamed(html, "providerKey")).toContain('type="hidden"')
    expect(text).toContain("Not set up")
    expect(text).not.toContain("Stored — leave empty to keep.")
    expect(text).not.toContain("Remove")
  })

  it("shows no builder's suggestion once the provider is saved, nor on the form for another provider", async () => {
    const saved = await renderInRouter(<OAuthClientCard provider={crm} needed={neededCrm} values={formValues(crm, neededCrm, "acme-crm")} outcome={null} />)
    expect(textOf(saved)).not.toContain("Suggested by")
    expect(saved).not.toContain("from-app")
    const fresh = await renderInRouter(<OAuthClientCard provider={null} needed={null} values={formValues(undefined, undefined, "")} outcome={null} />)
    expect(textOf(fresh)).not.toContain("Suggested by")
    expect(inputNamed(fresh, "authorizationUrl")).not.toMatch(/value="[^"]/)
  })

  it("shows the server's refusal beside the form", async () => {
    const html = await renderInRouter(
      <OAuthClientCard
        provider={crm}
        needed={null}
        values={formValues(crm, undefined, "acme-crm")}
        outcome={{ ok: false, message: "The token URL must use https." }}
      />
    )
    expect(html).toContain('role="alert"')
    expect(textOf(html)).toContain("The token URL must use https.")
  })

  it("says it was saved, beside the form", async () => {
    const html = await renderInRouter(
      <OAuthClientCard provider={crm} needed={null} values={formValues(crm, undefined, "acme-crm")} outcome={{ ok: true, message: "Saved Acme CRM." }} />
    )
    expect(html).toContain('role="status"')
    expect(textOf(html)).toContain("Saved Acme CRM.")
    expect(html).not.toContain('aria-invalid="true"')
  })
})

describe("a refused OAuth client form", () => {
  /** The control named `name` (input, select or textarea), its opening tag. */
  const control = (html: string, name: string) => {
    const found = [...html.matchAll(/<(?:input|select|textarea)[^>]*>/g)].map(([tag]) => tag).filter((tag) => tag.includes(`name="${name}"`))
    expect(found, `one control named ${name}`).toHaveLength(1)
    return found[0]!
  }
  const refused = (issues: { path: string; message: string }[], message = "Token URL must use https://; Client ID must not be empty") =>
    renderInRouter(
      <OAuthClientCard provider={crm} needed={null} values={formValues(crm, undefined, "acme-crm")} outcome={{ ok: false, message, issues }} />
    )

  it("shows each problem under its field, the control invalid and described by it", async () => {
    const html = await refused([
      { path: "tokenUrl", message: "Token URL must use https://" },
      { path: "authorizationParams.prompt", message: "Extra authorization parameters: values must not contain control characters" },
    ])
    for (const [name, message] of [
      ["tokenUrl", "Token URL must use https://"],
      ["authorizationParams", "Extra authorization parameters: values must not contain control characters"],
    ] as const) {
      const tag = control(html, name)
      expect(tag).toContain('aria-invalid="true"')
      const id = /aria-describedby="([^"]+)"/.exec(tag)?.[1]
      expect(id, `${name} is described by its problem`).toBeTruthy()
      expect(html).toMatch(new RegExp(`<p id="${id}"[^>]*>${message}</p>`))
    }
    expect(control(html, "clientId")).not.toContain('aria-invalid="true"')
    // Every problem has its field: the notice under the form only says where to look.
    expect(textOf(html)).toContain(ALL_MARKED)
    expect(textOf(html)).not.toContain("Client ID must not be empty")
  })

  it("keeps a problem no field owns in the notice under the form", async () => {
    const html = await refused([{ path: "", message: "Give at most 20 authorization parameters" }], "Give at most 20 authorization parameters")
    expect(html).not.toContain('aria-invalid="true"')
    expect(html).toContain('role="alert"')
    expect(textOf(html)).toContain("Give at most 20 authorization parameters")
  })

  it("titles the new-provider form by whether any provider is on the page", async () => {
    const first = await renderInRouter(<OAuthClientCard provider={null} needed={null} values={formValues(undefined, undefined, "")} outcome={null} first />)
    expect(first).toContain('aria-label="Add a provider"')
    expect(textOf(first)).toContain("Add a provider")
    const another = await renderInRouter(<OAuthClientCard provider={null} needed={null} values={formValues(undefined, undefined, "")} outcome={null} />)
    expect(another).toContain('aria-label="Add another provider"')
  })

  it("shows the 409 for a key already set up beside the new-provider form", async () => {
    const html = await renderInRouter(
      <OAuthClientCard
        provider={null}
        needed={null}
        values={{ ...formValues(undefined, undefined, "acme-crm"), displayName: "My new CRM" }}
        outcome={{ ok: false, message: "Acme CRM (acme-crm) is already set up: change it in its own card above.", issues: null }}
      />
    )
    expect(textOf(html)).toContain("Acme CRM (acme-crm) is already set up: change it in its own card above.")
    expect(control(html, "providerKey")).toContain('value="acme-crm"')
  })

  it("tells the admin when someone's Connect was refused by the provider", async () => {
    const html = await renderInRouter(
      <OAuthClientCard
        provider={{ ...crm, lastConnectError: { code: "invalid_client", at: AT } }}
        needed={null}
        values={formValues(crm, undefined, "acme-crm")}
        outcome={null}
      />
    )
    expect(textOf(html)).toMatch(
      /Connecting failed for someone .+: the provider refused this client — check the client ID, secret and token auth method\./
    )
    expect(html).toContain(`dateTime="${AT}"`)
    const fine = await renderInRouter(<OAuthClientCard provider={crm} needed={null} values={formValues(crm, undefined, "acme-crm")} outcome={null} />)
    expect(textOf(fine)).not.toContain("Connecting failed")
  })
})

describe("reading the OAuth client form", () => {
  const form = (fields: Record<string, string>) => {
    const data = new FormData()
    for (const [name, value] of Object.entries(fields)) data.set(name, value)
    return data
  }
  const base = {
    providerKey: "acme-crm",
    displayName: "Acme CRM",
    clientId: "id",
    authorizationUrl: "https://crm.example.com/a",
    tokenUrl: "https://crm.example.com/t",
    revocationUrl: "",
    tokenAuthMethod: "client_secret_post",
    authorizationParams: "access_type=offline\n\nprompt = consent",
  }

  it("keeps the stored secret when the field is empty, and never keeps a typed secret among the values shown again", () => {
    const kept = readProviderForm(form({ ...base, clientSecret: "" }))
    expect(kept.ok && "clientSecret" in kept.input).toBe(false)
    const typed = readProviderForm(form({ ...base, clientSecret: " s3cret-value\n" }))
    expect(typed.ok && typed.input.clientSecret).toBe("s3cret-value")
    expect(JSON.stringify(typed.values)).not.toContain("s3cret-value")
    expect(typed.ok && typed.input.revocationUrl).toBeNull()
    expect(typed.ok && typed.input.authorizationParams).toEqual({
      access_type: "offline",
      prompt: "consent",
    })
  })

  it("refuses a parameter line without a name, saying which line, without the secret", () => {
    const read = readProviderForm(
      form({
        ...base,
        clientSecret: "s3cret-value",
        authorizationParams: "access_type=offline\nno-equals-sign",
      })
    )
    expect(read.ok).toBe(false)
    expect(!read.ok && read.message).toContain("line 2")
    // Placed under the parameters field.
    expect(!read.ok && read.issues.map((issue) => issue.path)).toEqual(["authorizationParams"])
    expect(JSON.stringify(read)).not.toContain("s3cret-value")
  })
})

const connection = (overrides: Partial<ConnectionView>): ConnectionView => ({
  providerKey: "acme-crm",
  displayName: "Acme CRM",
  configured: true,
  status: "not_connected",
  grantedScopes: [],
  requiredScopes: ["contacts.read", "deals.write"],
  missingScopes: [],
  connectedAt: null,
  lastRefreshAt: null,
  lastErrorCode: null,
  apps: [{ appId: "a".repeat(24), name: "Sales desk" }],
  ...overrides,
})

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

describe("an app's keys", () => {
  const key: KeyView = {
    domain: "api.zendesk.com",
    keySlug: "default",
    name: "Zendesk",
    keyName: "Zendesk support key",
    capabilityLabel: "Read and update tickets",
    why: "The triage agent reads new tickets.",
    authType: "static",
    providerKey: null,
    requiredScopes: [],
    permissionGroups: [
      {
        name: "Tickets",
        description: "Read and write tickets.",
        permissions: ["tickets:read", "tickets:write"],
      },
    ],
    setupInstructions: {
      overview: "Create an API token in **Admin Center**. See [the guide](https://support.zendesk.com/guide) or [this](javascript:alert(1)).",
      steps: [
        {
          title: "Open Admin Center",
          description: "Go to Apps and integrations.",
          url: "https://example.zendesk.com/admin",
        },
        {
          title: "Copy the token",
          description: "Paste it below.",
          url: "javascript:alert(2)",
        },
      ],
      links: [
        { label: "API docs", url: "https://developer.zendesk.com/api" },
        { label: "Sneaky", url: "data:text/html,hi" },
      ],
    },
    secrets: [
      {
        name: "ZENDESK_TOKEN",
        label: "API token",
        description: "From Admin Center.",
        required: true,
        configured: true,
        updatedAt: AT,
      },
      {
        name: "ZENDESK_EMAIL",
        label: "Agent email",
        description: "Whose token it is.",
        required: false,
        configured: false,
        updatedAt: null,
      },
    ],
    configured: true,
    syncedAt: AT,
  }

  it("shows what the key is for, the permissions, web links only, and write-only secret fields", async () => {
    const html = await renderInRouter(<AppKeyCard app={{ appId: "a".repeat(24), name: "Support desk", keys: [key] }} outcomes={{}} />)
    const text = textOf(html)
    expect(text).toContain("Zendesk support key")
    expect(text).toContain("Read and update tickets")
    expect(text).toContain("tickets:write")
    expect(text).toContain("API token ZENDESK_TOKEN Stored")
    expect(text).toContain("Agent email ZENDESK_EMAIL (optional) Not set")
    expect(html).not.toMatch(/javascript:|data:text/)
    const links = [...html.matchAll(/<a [^>]*>/g)].map(([tag]) => tag)
    expect(links.length).toBeGreaterThanOrEqual(3)
    for (const link of links) {
      expect(link).toMatch(/href="https?:\/\//)
      expect(link).toMatch(/rel="(noopener noreferrer|noreferrer noopener)"/)
    }
    for (const tag of [...html.matchAll(/<input[^>]*name="value"[^>]*>/g)].map(([each]) => each)) {
      expect(tag).toContain('type="password"')
      expect(tag).not.toContain('value="')
    }
  })

  it("shows a refused value's problem under that secret's field", async () => {
    const app = { appId: "a".repeat(24), name: "Support desk", keys: [key] }
    const target = secretFormTarget(app.appId, key.domain, key.keySlug, "ZENDESK_TOKEN")
    const html = await renderInRouter(
      <AppKeyCard
        app={app}
        outcomes={{ [target]: { ok: false, message: "value: Value must be at most 16384 bytes", issues: [{ path: "value", message: "Value must be at most 16384 bytes" }] } }}
      />
    )
    const values = [...html.matchAll(/<input[^>]*name="value"[^>]*>/g)].map(([tag]) => tag)
    expect(values).toHaveLength(2)
    expect(values[0]).toContain('aria-invalid="true"')
    const id = /aria-describedby="([^"]+)"/.exec(values[0]!)?.[1]
    expect(html).toMatch(new RegExp(`<p id="${id}"[^>]*>Value must be at most 16384 bytes</p>`))
    expect(values[1]).not.toContain('aria-invalid="true"')
    expect(textOf(html)).toContain(ALL_MARKED)
  })
})
