// Settings → Integrations' OAuth client form as the server renders it, and reading it back: the
// client secret is write-only, an app's builder's endpoints are only a warned suggestion, and each
// refused field shows its own problem.

import { describe, expect, it } from "vitest"
import { renderInRouter, textOf } from "#tests/fixtures/render-in-router.tsx"
import { ALL_MARKED } from "./field-problems.ts"
import type { NeededProvider } from "./integration-views.ts"
import { AT, crm, neededCrm } from "./integrations-test-fixtures.ts"
import { formValues, OAuthClientCard } from "./oauth-client-card.tsx"
import { readProviderForm } from "./provider-form.ts"

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
    // The service's name is safe to suggest: it is shown to the admin and nothing secret goes to it.
    expect(inputNamed(html, "displayName")).toContain('value="Acme CRM"')
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
