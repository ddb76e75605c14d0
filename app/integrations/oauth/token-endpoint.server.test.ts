// How a token endpoint's refusal is classified: the client's own problems (invalid_client,
// unauthorized_client, any 401) are told apart from a refused grant, carry which one it was (a
// code from a fixed set), and point the admin at the client ID, secret and token auth method;
// never the provider's error_description.

import { describe, expect, it } from "vitest"
import { refusal } from "./token-endpoint.server.ts"

const what = "The provider's token endpoint"

describe("token endpoint refusals", () => {
  it("invalid_client, unauthorized_client and a bare 401 are the client's: which one, and what an admin checks", () => {
    const cases: Array<[number, Record<string, unknown> | null, string]> = [
      [401, { error: "invalid_client", error_description: "secret s3cr3t is wrong" }, "invalid_client"],
      [400, { error: "invalid_client" }, "invalid_client"],
      [400, { error: "unauthorized_client", error_description: "echoes s3cr3t" }, "unauthorized_client"],
      [401, null, "invalid_client"],
      [401, { error: "not a plain code!" }, "invalid_client"],
    ]
    for (const [status, json, clientRefusal] of cases) {
      const error = refusal({ status, json }, what)
      expect(error.code, JSON.stringify(json)).toBe("invalid_client")
      expect(error.clientRefusal, JSON.stringify(json)).toBe(clientRefusal)
      expect(error.retryable).toBe(false)
      expect(error.message).toContain("check its client ID, client secret and token auth method in Settings → Integrations")
      expect(error.message).not.toContain("s3cr3t")
    }
  })

  it("other refusals are not the client's", () => {
    expect(refusal({ status: 400, json: { error: "invalid_grant" } }, what)).toMatchObject({ code: "invalid_grant", clientRefusal: null })
    expect(refusal({ status: 400, json: { error: "invalid_scope" } }, what)).toMatchObject({ code: "refused", clientRefusal: null })
    expect(refusal({ status: 503, json: null }, what)).toMatchObject({ code: "unreachable", clientRefusal: null, retryable: true })
  })
})
