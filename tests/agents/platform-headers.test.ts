// One list of the headers the platform's HTTP client owns, read by both the validator and the
// runtime: a header every call would refuse (header_injection) must already fail review, or an
// approved tool fails on every call.

import { describe, expect, it } from "vitest"
import { exampleAgentsConfig } from "#shared/agents/agents-config.fixture.ts"
import { PLATFORM_OWNED_HEADER_NAMES } from "#shared/agents/platform-headers.ts"
import { validateAgentsConfig } from "#shared/agents/validate-agents-config.ts"
import { HttpToolError } from "#app/integrations/http-tool-error.server.ts"
import { buildHttpToolRequest } from "#app/integrations/tool-request.server.ts"

/** The example's public create_note tool with `name` set; null when the runtime builds its request. */
function runtimeRefusal(name: string): string | null {
  const config = validateAgentsConfig(exampleAgentsConfig())
  if (!config.ok) throw new Error("the example must be valid")
  const note = config.config.appTools![1]!
  try {
    buildHttpToolRequest({ tool: { ...note, endpoint: { ...note.endpoint, headers: { [name]: "x" } } }, input: { title: "t" }, secrets: {}, bearerToken: null })
    return null
  } catch (error) {
    expect(error).toBeInstanceOf(HttpToolError)
    return (error as HttpToolError).code
  }
}

function validatorProblem(name: string): string | null {
  const config = exampleAgentsConfig()
  config.appTools[1].endpoint.headers = { [name]: "x" }
  const result = validateAgentsConfig(config)
  if (result.ok) return null
  return result.problems.find((problem) => problem.path === `appTools[1].endpoint.headers[${JSON.stringify(name)}]` || problem.path === `appTools[1].endpoint.headers.${name}`)?.message ?? null
}

describe("the headers the platform owns", () => {
  const refusedAtRunTime = [...PLATFORM_OWNED_HEADER_NAMES, "Expect", "Accept-Encoding", "Proxy-Anything", "HOST"]

  it.each(refusedAtRunTime)("%s, refused at run time, is refused by the validator too", (name) => {
    expect(runtimeRefusal(name)).toBe("header_injection")
    expect(validatorProblem(name)).toBe("is set by the platform's HTTP client; remove it")
  })

  it("leaves the tool's own headers to it in both", () => {
    for (const name of ["Accept", "X-Api-Version", "Content-Type"]) {
      expect(runtimeRefusal(name)).toBeNull()
      expect(validatorProblem(name)).toBeNull()
    }
  })
})
