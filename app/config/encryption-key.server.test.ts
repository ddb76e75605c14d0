// The encryption key variables: the previous keys take the same shapes as the current one and
// never echo a value; the test-only WorkOS URL is refused over plain HTTP in production.

import { describe, expect, it } from "vitest"
import { loadWebConfig } from "./config.server.ts"
import { productionEnv } from "./production-env.fixture.ts"

const problem = (env: Record<string, string>) => {
  try {
    loadWebConfig(env)
    return null
  } catch (error) {
    return (error as Error).message
  }
}

describe("encryption key configuration", () => {
  const current = "ab".repeat(32)

  it("reads previous keys as a comma-separated list of the same shapes", () => {
    const previous = [Buffer.alloc(32, 1).toString("base64"), "cd".repeat(32), "a passphrase that is long enough to use"]
    const config = loadWebConfig({ SECOND_TOKEN_ENCRYPTION_KEY: current, SECOND_TOKEN_ENCRYPTION_KEY_PREVIOUS: previous.join(" , ") })
    expect(config.tokenEncryptionKeyPrevious.map((key) => key.reveal())).toEqual(previous)
    expect(loadWebConfig({ SECOND_TOKEN_ENCRYPTION_KEY: current }).tokenEncryptionKeyPrevious).toEqual([])
  })

  it("refuses a malformed previous key by its position, without echoing it", () => {
    const message = problem({ SECOND_TOKEN_ENCRYPTION_KEY: current, SECOND_TOKEN_ENCRYPTION_KEY_PREVIOUS: `${"cd".repeat(32)},short-secret-x` })
    expect(message).toMatch(/^Invalid configuration: SECOND_TOKEN_ENCRYPTION_KEY_PREVIOUS key 2 must be 32 bytes in base64/)
    expect(message).not.toContain("short-secret-x")
  })

  it("refuses previous keys without a current key to encrypt with", () => {
    expect(problem({ SECOND_TOKEN_ENCRYPTION_KEY_PREVIOUS: "cd".repeat(32) })).toMatch(
      /^Invalid configuration: SECOND_TOKEN_ENCRYPTION_KEY_PREVIOUS needs SECOND_TOKEN_ENCRYPTION_KEY set to the new key/,
    )
  })

  it("defaults the WorkOS API to its public origin and allows plain HTTP only outside production", () => {
    expect(loadWebConfig({}).workosApiUrl.href).toBe("https://api.workos.com/")
    expect(loadWebConfig({ SECOND_WORKOS_API_URL: "http://127.0.0.1:8089" }).workosApiUrl.origin).toBe("http://127.0.0.1:8089")
    expect(problem({ ...productionEnv, SECOND_WORKOS_API_URL: "http://127.0.0.1:8089" })).toMatch(
      /^Invalid configuration: SECOND_WORKOS_API_URL must be an https:\/\/ origin in production/,
    )
  })
})
