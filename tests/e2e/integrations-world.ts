// The world of the integrations journey (integrations.e2e.test.ts): the fake OAuth provider on
// loopback HTTPS, the scripted model behind the real Claude Code, Second with a known token
// encryption key, and Chromium told to reach the provider's host; what the server stored, read
// back as the server would; and the page helpers the journey uses.

import { randomBytes } from "node:crypto"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Page } from "playwright-core"
import { afterAll, beforeAll } from "vitest"
import { oauthConnections } from "#app/integrations/integration-collections.server.ts"
import { createLocalSecretStore } from "#app/secrets/local-secret-store.server.ts"
import { parseEncryptionKey } from "#shared/secrets/envelope.ts"
import { PROVIDER_KEY } from "#tests/fixtures/crm-app.ts"
import { PROVIDER_HOST } from "#tests/fixtures/fake-https-provider.ts"
import { FAKE_API_KEY } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"
import { startFakeOAuthProvider, type FakeOAuthProvider } from "#tests/fixtures/fake-oauth-provider.ts"
import { startSecond, type SecondServer } from "#tests/fixtures/second-server.ts"
import { STEP_TIMEOUT_MS, useChromium, type ChromiumFixture } from "./browser.ts"

export const RUN_TIMEOUT_MS = 90_000
const SCREENSHOTS = tmpdir()

export const WORKSPACE = "Sales Co"
export const ada = { name: "Ada Lovelace", email: "ada@example.com" }
export const bea = { name: "Bea Member", email: "bea@example.com" }

export interface IntegrationsWorld {
  readonly chromium: ChromiumFixture
  /** The scripted model; started in beforeAll, like the two below. */
  readonly fake: FakeModel
  readonly oauth: FakeOAuthProvider
  readonly server: SecondServer
  /** The person's connection to the provider as stored, and its refresh token read back through the secret store. */
  storedConnection(workspaceId: string, userId: string): ReturnType<typeof readConnection>
  /** Makes Second believe the person's access token has expired. */
  expireAccessToken(workspaceId: string, userId: string): Promise<void>
}

/** Registers this file's world: started before its tests, stopped after them. */
export function useIntegrationsWorld(): IntegrationsWorld {
  // The provider's authorization page is visited by the browser itself: map its host to loopback and
  // accept the test CA's certificate (the web trusts that CA through SECOND_EGRESS_TEST_CA).
  const chromium = useChromium({
    extraArgs: () => [`--host-resolver-rules=MAP ${PROVIDER_HOST} 127.0.0.1`, "--ignore-certificate-errors"],
  })
  // The test knows the server's key, so it can read back what the server stored, as the server would.
  const encryptionKey = randomBytes(32).toString("base64")
  let fake: FakeModel | undefined
  let oauth: FakeOAuthProvider | undefined
  let server: SecondServer | undefined

  beforeAll(async () => {
    oauth = await startFakeOAuthProvider({
      tokenAuthMethod: "client_secret_post",
    })
    fake = await startFakeModel()
    server = await startSecond({
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: FAKE_API_KEY,
      SECOND_TOKEN_ENCRYPTION_KEY: encryptionKey,
      ...oauth.https.env(),
    })
  }, 90_000)

  afterAll(async () => {
    await server?.stop()
    await fake?.stop()
    await oauth?.close()
  })

  const started = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`${name} is not running: use the integrations world inside a test`)
    return value
  }

  return {
    chromium,
    get fake() {
      return started(fake, "The fake model")
    },
    get oauth() {
      return started(oauth, "The fake OAuth provider")
    },
    get server() {
      return started(server, "Second")
    },
    storedConnection: (workspaceId, userId) => readConnection(started(server, "Second"), encryptionKey, workspaceId, userId),
    async expireAccessToken(workspaceId, userId) {
      const store = await started(server, "Second").openStore()
      try {
        await store
          .collection(oauthConnections)
          .updateOne({ workspaceId, userId, providerKey: PROVIDER_KEY }, { accessTokenExpiresAt: new Date(0).toISOString() })
      } finally {
        await store.close()
      }
    },
  }
}

async function readConnection(server: SecondServer, encryptionKey: string, workspaceId: string, userId: string) {
  const store = await server.openStore()
  try {
    const connection = await store.collection(oauthConnections).findOne({ workspaceId, userId, providerKey: PROVIDER_KEY })
    const secrets = createLocalSecretStore({ store, current: parseEncryptionKey(encryptionKey) })
    const refreshToken = connection?.refreshTokenRef ? await secrets.get(connection.refreshTokenRef, { workspaceId, purpose: "oauth_refresh_token" }) : null
    return { connection, refreshToken }
  } finally {
    await store.close()
  }
}

/** The app's preview, inside the app page. */
export const preview = (page: Page) => page.frameLocator('[data-testid="preview-frame"]')

/** Full-page screenshots at a phone's width and a desktop's, for a person to look at (outside the repository). */
export async function screenshots(page: Page, name: string): Promise<void> {
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 })
    await page.screenshot({
      path: join(SCREENSHOTS, `second-${name}-${width}.png`),
      fullPage: true,
    })
  }
  await page.setViewportSize({ width: 1280, height: 900 })
}

/**
 * Until the page has hydrated, Connect is a plain form post, which answers with a link to follow
 * (the CSP's form-action keeps a form from redirecting to the provider); once Remix's router is
 * there, it follows the action's redirect itself.
 */
export const hydrated = (page: Page) => page.waitForFunction(() => "__remixRouter" in window, undefined, { timeout: STEP_TIMEOUT_MS })
