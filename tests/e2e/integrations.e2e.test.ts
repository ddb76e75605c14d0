// Integrations end to end, in real Chromium, with the real Claude Code behind the worker and a
// scripted model, against the fake OAuth provider on loopback HTTPS (tests/fixtures/fake-oauth-provider.ts;
// Chromium reaches provider.test through a host-resolver rule, the web through the test egress
// mapping; the servers and browser are set up in ./integrations-world.ts). The builder writes an app
// (tests/fixtures/crm-app.ts) whose agent calls an OAuth API as the person who asks it and
// presents its integration setup; the owner saves the OAuth client on Settings → Integrations (the
// endpoints the app's setup names shown only as a warned suggestion, the URL fields empty until the
// owner types the provider's own, the secret write-only); a member and then the owner each
// connect their own account on Connected apps (the provider's consent, the callback, "Connected");
// the app's agent calls the API with the owner's token; once that token has expired the next call
// refreshes it, once, and the rotated refresh token is what is stored.

import { expect, it } from "vitest"
import { crmAppTurn, profilerRun, PROVIDER_KEY, SCOPES, setupTurn } from "#tests/fixtures/crm-app.ts"
import { PROVIDER_HOST } from "#tests/fixtures/fake-https-provider.ts"
import { STEP_TIMEOUT_MS } from "./browser.ts"
import { ada, bea, hydrated, preview, RUN_TIMEOUT_MS, screenshots, useIntegrationsWorld, WORKSPACE } from "./integrations-world.ts"
import { signIn, signInWithWorkspace } from "./onboarding.ts"

const world = useIntegrationsWorld()

it(
  "an admin sets up the OAuth client, a person connects, the agent calls the API as them, and an expired token is refreshed and rotated",
  { timeout: 300_000 },
  async () => {
    const { chromium, fake, oauth, server } = world
    const { page } = await chromium.person("ada", server.url)
    await page.setViewportSize({ width: 1280, height: 900 })
    const workspacePath = await signInWithWorkspace(page, ada, WORKSPACE)
    const workspaceId = workspacePath.split("/")[2]!
    const me = (await (await page.request.get("/api/trpc/auth.me")).json()) as { result: { data: { user: { id: string } } } }
    const adaId = me.result.data.user.id

    // The builder writes the app and presents its agent; the owner approves it for live calls; the next
    // turn presents what an admin must set up (one present_* a turn).
    fake.clearScript()
    fake.script(crmAppTurn())
    await page.goto(`${workspacePath}/apps`)
    await page.getByTestId("new-app-prompt").fill("A CRM desk with an agent that looks me up in Acme CRM")
    await page.getByTestId("runtime-picker").selectOption("claude")
    await page.getByTestId("create-app").click()
    await page.waitForURL((url) => /\/apps\/[a-z2-7]{24}$/.test(url.pathname))
    const appPath = new URL(page.url()).pathname
    await page.waitForSelector('[data-testid="run"][data-status="completed"]', {
      timeout: RUN_TIMEOUT_MS,
    })
    const card = page.getByTestId("agents-card")
    await card.getByText("Profiler").first().waitFor({ timeout: STEP_TIMEOUT_MS })
    await card.getByRole("button", { name: /Approve — live calls/ }).click()
    await card.getByText(/Approved live by Ada/).waitFor()
    fake.script(setupTurn())
    await page.getByTestId("message-input").fill("What does an admin need to set up?")
    await page.getByTestId("send-message").click()
    await page.getByTestId("run").nth(1).waitFor()
    await page.locator('[data-testid="run"][data-status="completed"]').nth(1).waitFor({ timeout: RUN_TIMEOUT_MS })
    await page.getByTestId("integration-setup-card").first().waitFor({ timeout: STEP_TIMEOUT_MS })

    // Settings → Integrations: the provider the app needs, its endpoints from the app's setup shown as
    // the builder's suggestion (host in bold) and not filled in; the admin adds the client's
    // credentials and types the provider's real endpoints into the empty fields.
    await page.goto(`${workspacePath}/settings/integrations`)
    await expect
      .poll(() => page.getByTestId("redirect-uri").inputValue(), {
        timeout: STEP_TIMEOUT_MS,
      })
      .toBe(`${server.publicUrl}/api/oauth/callback`)
    const client = page.getByRole("region", {
      name: `OAuth client ${PROVIDER_KEY}`,
    })
    await client.getByText("Needed by CRM Desk.").waitFor()
    const suggested = client.getByTestId("suggested-endpoints")
    await suggested.getByText("Suggested by the builder of CRM Desk").waitFor()
    await suggested.getByText(/not from your provider/).waitFor()
    await expect(suggested.locator("strong", { hasText: PROVIDER_HOST }).count()).resolves.toBeGreaterThan(0)
    expect(await client.getByLabel("Authorization URL").inputValue()).toBe("")
    expect(await client.getByLabel("Token URL").inputValue()).toBe("")
    await client.getByLabel("Display name").fill("Acme CRM")
    await client.getByLabel("Client ID").fill(oauth.client.clientId)
    await client.getByLabel("Client secret").fill(oauth.client.clientSecret)
    await client.getByLabel("Authorization URL").fill(oauth.authorizationUrl)
    await client.getByLabel("Token URL").fill(oauth.tokenUrl)
    await client.getByLabel("Revocation URL").fill(oauth.revocationUrl)
    await client.getByLabel("Token auth method").selectOption("client_secret_post")
    await client.getByRole("button", { name: /^Save/ }).click()
    await client.getByText("Stored — leave empty to keep.").waitFor()
    await client.getByText(/Saved .* by Ada Lovelace/).waitFor()
    // Write-only: the secret is neither in its field nor anywhere in the page.
    expect(await client.getByLabel("Client secret").inputValue()).toBe("")
    expect(await page.content()).not.toContain(oauth.client.clientSecret)
    await page.getByTestId("app-keys").getByText("Acme CRM account").waitFor()
    await screenshots(page, "integrations")

    // The new-provider form only creates: the same key again is refused beside it, the saved client untouched.
    const add = page.getByRole("region", { name: /^Add (a|another) provider$/ })
    await add.getByLabel("Provider key").fill(PROVIDER_KEY)
    await add.getByLabel("Display name").fill("Someone else's CRM")
    await add.getByLabel("Client ID").fill("other-client")
    await add.getByLabel("Client secret").fill("other-client-secret")
    await add.getByLabel("Authorization URL").fill(oauth.authorizationUrl)
    await add.getByLabel("Token URL").fill(oauth.tokenUrl)
    await add.getByRole("button", { name: /^Add provider/ }).click()
    await add.getByRole("alert").getByText(/already set up/).waitFor()
    expect(await client.getByLabel("Client ID").inputValue()).toBe(oauth.client.clientId)
    // A refused field is marked and its problem is under it, named by the field's label.
    await client.getByLabel("Token URL").fill("http://provider.invalid/token")
    await client.getByRole("button", { name: /^Save/ }).click()
    await client.locator('[name="tokenUrl"][aria-invalid="true"]').waitFor()
    const problemId = await client.locator('[name="tokenUrl"]').getAttribute("aria-describedby")
    await client.locator(`[id="${problemId}"]`).waitFor()
    expect(await client.getByLabel("Client ID").getAttribute("aria-invalid")).toBeNull()

    // A member (no admin) connects her own account: invited, joined, then Settings → Connected apps,
    // where Connect goes to the provider, which consents at once and sends the browser back.
    await page.goto(`${workspacePath}/settings/invitations`)
    await page.getByLabel("Email", { exact: true }).fill(bea.email)
    await page.getByRole("combobox", { name: /^Role\b/ }).selectOption("member")
    await page.getByRole("button", { name: "Create invitation link" }).click()
    await page
      .getByRole("status")
      .filter({ hasText: `Send this link to ${bea.email}.` })
      .waitFor()
    const invitation = await page.getByTestId("invite-link").inputValue()
    const b = await chromium.person("bea", server.url)
    await b.page.goto(invitation)
    await b.page.getByRole("link", { name: `Sign in as ${bea.email} to accept` }).click()
    await b.page.waitForURL((url) => url.pathname === "/onboarding")
    await signIn(b.page, bea)
    await b.page.getByRole("button", { name: `Join ${WORKSPACE}` }).click()
    await b.page.waitForURL((url) => url.pathname === workspacePath)
    expect((await b.page.goto(`${workspacePath}/settings/integrations`))?.status()).toBe(403)
    await b.page.goto(`${workspacePath}/settings/connected-apps`)
    const beaRow = b.page.locator(`[data-testid="connection"][data-provider="${PROVIDER_KEY}"]`)
    // Ada's app is not shared with her, so it is not named; the provider is listed because an admin set it up.
    await expect(beaRow.getByText("Used by CRM Desk").count()).resolves.toBe(0)
    await hydrated(b.page)
    await beaRow.getByRole("button", { name: "Connect Acme CRM" }).click()
    await b.page.waitForURL((url) => url.pathname === `${workspacePath}/settings/connected-apps` && url.searchParams.get("connected") === PROVIDER_KEY)
    await b.page.getByTestId("oauth-connected").getByText("Connected Acme CRM.").waitFor()
    await beaRow.getByTestId("connection-status").getByText("Connected", { exact: true }).waitFor()
    // A connect attempt the callback could not trust ends on a page of its own, whose way back is her Connected apps.
    await b.page.goto("/oauth/not-completed?reason=expired")
    await b.page.getByRole("heading", { name: "Connection not completed", level: 1 }).waitFor()
    await b.page.getByRole("link", { name: "Go to Connected apps" }).click()
    await b.page.waitForURL((url) => url.pathname === `${workspacePath}/settings/connected-apps`)

    // Settings → Connected apps: Connect goes to the provider, which consents and sends the browser back.
    await page.goto(`${workspacePath}/settings/connected-apps`)
    const row = page.locator(`[data-testid="connection"][data-provider="${PROVIDER_KEY}"]`)
    await row.getByTestId("connection-status").getByText("Not connected").waitFor()
    await hydrated(page)
    await row.getByRole("button", { name: "Connect Acme CRM" }).click()
    await page.waitForURL((url) => url.pathname === `${workspacePath}/settings/connected-apps` && url.searchParams.get("connected") === PROVIDER_KEY)
    await page.getByTestId("oauth-connected").getByText("Connected Acme CRM.").waitFor()
    await row.getByTestId("connection-status").getByText("Connected", { exact: true }).waitFor()
    expect(oauth.counts).toMatchObject({ authorize: 2, codeExchanges: 2, refreshes: 0 })
    await screenshots(page, "connected-apps")
    const connected = await world.storedConnection(workspaceId, adaId)
    expect(connected.connection?.status).toBe("connected")
    expect(connected.connection?.grantedScopes).toEqual(SCOPES)
    const firstRefreshToken = connected.refreshToken
    expect(oauth.liveRefreshTokens.has(firstRefreshToken ?? "")).toBe(true)

    // The app's agent calls the API with Ada's token (the API answers her subject only for a live bearer).
    fake.script(profilerRun("ada"))
    await page.goto(appPath)
    await preview(page).getByRole("heading", { name: "CRM desk" }).waitFor({ timeout: RUN_TIMEOUT_MS })
    await preview(page).getByRole("button", { name: "Ask the profiler" }).click()
    await preview(page).getByRole("listitem").filter({ hasText: "Profile: ada" }).waitFor({ timeout: RUN_TIMEOUT_MS })
    expect(oauth.counts.apiCalls).toBe(1)
    expect(oauth.counts.refreshes).toBe(0)
    expect(fake.requests.some((request) => request.toolResults.some((result) => /"subject":\s*"ada"/.test(result)))).toBe(true)

    // The access token expires (as far as Second knows): the next call refreshes it first, once.
    await world.expireAccessToken(workspaceId, adaId)
    fake.script(profilerRun("ada again"))
    await preview(page).getByRole("button", { name: "Ask the profiler" }).click()
    await preview(page).getByRole("listitem").filter({ hasText: "Profile: ada again" }).waitFor({ timeout: RUN_TIMEOUT_MS })
    expect(oauth.counts.refreshes).toBe(1)
    expect(oauth.counts.apiCalls).toBe(2)
    const refreshed = await world.storedConnection(workspaceId, adaId)
    expect(refreshed.connection?.status).toBe("connected")
    expect(refreshed.connection?.lastRefreshAt).not.toBeNull()
    expect(Date.parse(refreshed.connection!.accessTokenExpiresAt!)).toBeGreaterThan(Date.now())
    // Rotation: the provider killed Ada's old refresh token and issued a new one, which is what is
    // stored now; Bea's connection is hers and untouched.
    expect(refreshed.refreshToken).not.toBe(firstRefreshToken)
    expect(oauth.liveRefreshTokens.has(firstRefreshToken ?? "")).toBe(false)
    expect(oauth.liveRefreshTokens.has(refreshed.refreshToken ?? "")).toBe(true)
    expect(oauth.liveRefreshTokens.size).toBe(2)

    // Connected apps says when it was last refreshed.
    await page.goto(`${workspacePath}/settings/connected-apps`)
    await row.locator("time", { hasText: /refreshed/ }).waitFor()

    // Removing the OAuth client asks first, saying whom it disconnects.
    await page.goto(`${workspacePath}/settings/integrations`)
    await client.getByRole("button", { name: /^Remove/ }).click()
    await page.getByRole("dialog").getByText("This disconnects 2 people").waitFor()
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click()
  }
)
