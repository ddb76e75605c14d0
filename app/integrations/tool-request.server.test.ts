import { describe, expect, it } from "vitest"
import type { CustomTool } from "#shared/agents/agents-config.ts"
import { HttpToolError } from "./http-tool-error.server.ts"
import { buildHttpToolRequest, type HttpToolCall } from "./tool-request.server.ts"

const SECRET = "sk_live_do-not-print-me"
const TOKEN = "oauth-token-do-not-print-me"

function tool(overrides: Omit<Partial<CustomTool>, "endpoint"> & { endpoint?: Partial<CustomTool["endpoint"]> } = {}): CustomTool {
  const { endpoint, ...rest } = overrides
  return {
    type: "custom",
    name: "search_orders",
    description: "Finds orders.",
    integration: { name: "Shop", domain: "api.example.com", auth: { type: "static" } },
    input: {
      customer: { type: "string", required: true },
      limit: { type: "integer" },
      status: { type: "string", enum: ["open", "closed"] },
      express: { type: "boolean" },
      price: { type: "number" },
    },
    mockData: [{ orders: [] }],
    ...rest,
    endpoint: { method: "GET", url: "https://api.example.com/customers/{{input.customer}}/orders", ...endpoint },
  }
}

const call = (overrides: Partial<HttpToolCall>): HttpToolCall => ({ tool: tool(), input: { customer: "c1" }, secrets: {}, bearerToken: null, ...overrides })

/** The HttpToolError building `value` throws. */
function refusal(value: HttpToolCall): HttpToolError {
  try {
    buildHttpToolRequest(value)
  } catch (error) {
    expect(error).toBeInstanceOf(HttpToolError)
    return error as HttpToolError
  }
  throw new Error("expected the call to be refused")
}

describe("checking the agent's input against the declared parameters", () => {
  it.each([
    [{ customer: "c1", colour: "red" }, /search_orders has no parameter "colour"; its parameters are: customer, limit, status, express, price/],
    [{}, /search_orders needs "customer"/],
    [{ customer: null }, /search_orders: "customer" must be a string/],
    [{ customer: 42 }, /"customer" must be a string/],
    [{ customer: "c1", limit: 2.5 }, /"limit" must be an integer/],
    [{ customer: "c1", limit: "10" }, /"limit" must be an integer/],
    [{ customer: "c1", limit: 1e300 }, /"limit" must be an integer from -9007199254740991 to 9007199254740991$/],
    [{ customer: "c1", limit: 2 ** 53 }, /"limit" must be an integer from/],
    [{ customer: "c1", price: "cheap" }, /"price" must be a number/],
    [{ customer: "c1", express: "yes" }, /"express" must be a boolean/],
    [{ customer: "c1", status: "lost" }, /"status" must be one of open, closed/],
    [{ customer: ["c1"] }, /"customer" must be a string/],
    [{ customer: "c1", toString: "x" }, /has no parameter "toString"/],
  ])("refuses %j with invalid_input and a message that says what to fix", (input, message) => {
    const error = refusal(call({ input }))
    expect(error.code).toBe("invalid_input")
    expect(error.message).toMatch(message)
  })

  it("refuses any input to a tool that declares no parameters", () => {
    const error = refusal(call({ tool: tool({ input: {}, endpoint: { url: "https://api.example.com/ping" } }), input: { anything: 1 } }))
    expect(error.code).toBe("invalid_input")
    expect(error.message).toBe("search_orders takes no parameters; call it with an empty object")
  })

  it("takes an empty input for a tool without parameters, and null for a left-out optional one", () => {
    expect(buildHttpToolRequest(call({ tool: tool({ input: undefined, endpoint: { url: "https://api.example.com/ping" } }), input: {} })).url.href).toBe(
      "https://api.example.com/ping",
    )
    expect(buildHttpToolRequest(call({ input: { customer: "c1", limit: null } })).url.href).toBe("https://api.example.com/customers/c1/orders")
  })

  it("never repeats the value it refused", () => {
    const error = refusal(call({ input: { customer: "c1", status: "secret-looking-value" } }))
    expect(error.message).not.toContain("secret-looking-value")
  })
})

describe("filling the templates", () => {
  it("URL-encodes inputs in the path and the query, and leaves out a query parameter whose optional input is missing", () => {
    const request = buildHttpToolRequest(
      call({
        tool: tool({ endpoint: { url: "https://api.example.com/customers/{{input.customer}}/orders?q={{ input.status }}", queryParams: { limit: "{{input.limit}}", express: "{{input.express}}", fixed: "v1" } } }),
        input: { customer: "a/b?c#d e&f=..", limit: 5, status: "open" },
      }),
    )
    expect(request.url.pathname).toBe("/customers/a%2Fb%3Fc%23d%20e%26f%3D../orders")
    expect(request.url.searchParams.get("q")).toBe("open")
    expect(request.url.searchParams.get("limit")).toBe("5")
    expect(request.url.searchParams.has("express")).toBe(false)
    expect(request.url.searchParams.get("fixed")).toBe("v1")
    expect(request.method).toBe("GET")
    expect(request.body).toBeNull()
  })

  it.each([["."], [".."]])("refuses %j as a whole path segment, which would climb out of the declared path", (customer) => {
    const error = refusal(call({ input: { customer } }))
    expect(error.code).toBe("invalid_input")
    expect(error.message).toMatch(/cannot be "\." or "\.\."/)
  })

  it("cannot move the request to another host through an input in the host name", () => {
    const withTenant = tool({ input: { tenant: { type: "string", required: true } }, endpoint: { url: "https://{{input.tenant}}.example.com/x" } })
    for (const tenant of ["evil.com/", "evil.com@", "evil.com#", "evil.com?"]) {
      const error = refusal(call({ tool: withTenant, input: { tenant } }))
      expect(error.code, tenant).toBe("invalid_input")
      expect(error.message).toBe("search_orders: the URL is not valid once its placeholders are filled")
    }
  })

  it("puts the raw value where a body string is exactly one placeholder, text elsewhere, and drops left-out inputs", () => {
    const request = buildHttpToolRequest(
      call({
        tool: tool({
          endpoint: {
            method: "POST",
            url: "https://api.example.com/orders",
            body: { customer: "{{input.customer}}", limit: "{{input.limit}}", express: "{{input.express}}", note: "for {{input.customer}} ({{input.status}})", price: "{{input.price}}", tags: ["{{input.limit}}", "fixed"], nested: { key: "{{secrets.API_KEY}}" } },
          },
        }),
        input: { customer: "c1", limit: 3, express: true },
        secrets: { API_KEY: SECRET },
      }),
    )
    expect(JSON.parse(request.body!)).toEqual({ customer: "c1", limit: 3, express: true, note: "for c1 ()", tags: [3, "fixed"], nested: { key: SECRET } })
    expect(request.headers["content-type"]).toBe("application/json")
    expect(request.method).toBe("POST")
  })

  it("fills static secrets into headers and keeps a declared content type", () => {
    const request = buildHttpToolRequest(
      call({
        tool: tool({ endpoint: { headers: { "X-Api-Key": "{{secrets.API_KEY}}", "Content-Type": "application/vnd.shop+json", "X-Customer": "{{input.customer}}" }, body: {} } }),
        secrets: { API_KEY: SECRET },
      }),
    )
    expect(request.headers).toMatchObject({ "x-api-key": SECRET, "content-type": "application/vnd.shop+json", "x-customer": "c1", "accept-encoding": "identity", accept: "application/json" })
  })

  it("refuses a missing secret by its name, never printing any secret", () => {
    const error = refusal(call({ tool: tool({ endpoint: { headers: { Authorization: "Bearer {{secrets.API_KEY}}" } } }), secrets: { OTHER: SECRET } }))
    expect(error.code).toBe("secret_missing")
    expect(error.message).toContain("API_KEY")
    expect(error.message).toContain("Shop")
    expect(error.message).not.toContain(SECRET)
  })

  it("refuses a template that names an input the tool does not declare", () => {
    const error = refusal(call({ tool: tool({ endpoint: { url: "https://api.example.com/{{input.ghost}}" } }) }))
    expect(error.code).toBe("invalid_input")
    expect(error.message).toMatch(/\{\{input\.ghost\}\}, which is not one of its declared parameters/)
  })
})

describe("text that is not well-formed Unicode", () => {
  it.each([
    ["a query parameter", { queryParams: { q: "{{input.customer}}" }, url: "https://api.example.com/orders" }],
    ["a path placeholder", {}],
    ["a header", { headers: { "X-Customer": "{{input.customer}}" } }],
    ["a JSON body", { method: "POST" as const, body: { customer: "{{input.customer}}" } }],
  ])("refuses a lone surrogate in %s as invalid input naming the parameter", (_where, endpoint) => {
    for (const customer of ["\udfff", "ok\ud800", "\ud800x"]) {
      const error = refusal(call({ tool: tool({ endpoint }), input: { customer } }))
      expect(error.code).toBe("invalid_input")
      expect(error.message).toBe('search_orders: "customer" is not valid Unicode text (it holds half of a surrogate pair); send well-formed text')
    }
  })

  it("takes a whole surrogate pair (an emoji) as the text it is", () => {
    const request = buildHttpToolRequest(call({ tool: tool({ endpoint: { queryParams: { q: "{{input.customer}}" } } }), input: { customer: "😀" } }))
    expect(request.url.search).toBe("?q=%F0%9F%98%80")
  })

  it("refuses a query template whose own text is malformed, naming the query parameter", () => {
    const error = refusal(call({ tool: tool({ endpoint: { queryParams: { q: "x\udfff{{input.customer}}" } } }) }))
    expect(error.code).toBe("invalid_input")
    expect(error.message).toMatch(/the query parameter q is not valid Unicode text/)
  })
})

describe("headers", () => {
  it.each([["c1\r\nX-Injected: yes"], ["c1\nSet-Cookie: a=b"], ["c1\rX: y"], ["c1\u0000"]])("refuses an input %j that would break a header line", (customer) => {
    const error = refusal(call({ tool: tool({ endpoint: { headers: { "X-Customer": "id={{input.customer}}" } } }), input: { customer } }))
    // The caller's input is what to fix: invalid input naming the parameter, not a broken tool.
    expect(error.code).toBe("invalid_input")
    expect(error.message).toMatch(/"customer" goes in the X-Customer header, which cannot carry line breaks/)
    expect(error.message).not.toContain("X-Injected")
  })

  it.each([["café ☕"], ["tab\u0007bell"]])("refuses an input %j a header cannot carry as invalid input naming the parameter", (customer) => {
    const error = refusal(call({ tool: tool({ endpoint: { headers: { "X-Customer": "{{input.customer}}" } } }), input: { customer } }))
    expect(error.code).toBe("invalid_input")
    expect(error.message).toMatch(/"customer" goes in the X-Customer header/)
  })

  it("refuses a secret that would break a header line, without printing it", () => {
    const error = refusal(call({ tool: tool({ endpoint: { headers: { "X-Key": "{{secrets.API_KEY}}" } } }), secrets: { API_KEY: `${SECRET}\r\nX: y` } }))
    expect(error.code).toBe("header_injection")
    expect(error.message).not.toContain(SECRET)
  })

  it("refuses a secret a header cannot carry as the tool's problem, not the caller's", () => {
    const error = refusal(call({ tool: tool({ endpoint: { headers: { "X-Key": "{{secrets.API_KEY}}" } } }), secrets: { API_KEY: "key☕" } }))
    expect(error.code).toBe("header_injection")
    expect(error.message).toMatch(/header X-Key would contain characters HTTP headers cannot carry.*fix the tool's header or the secret it uses$/)
  })

  it.each([["Bad Header"], ["X-A\r\nB"], ["X:Y"]])("refuses the header name %j", (name) => {
    expect(refusal(call({ tool: tool({ endpoint: { headers: { [name]: "v" } } }) })).code).toBe("header_injection")
  })

  it.each([["Host"], ["content-length"], ["Transfer-Encoding"], ["Connection"]])("refuses a tool that sets %s, which the platform sets", (name) => {
    const error = refusal(call({ tool: tool({ endpoint: { headers: { [name]: "x" } } }) }))
    expect(error.code).toBe("header_injection")
    expect(error.message).toContain(`header ${name} is set by the platform`)
  })

  it("refuses characters a header cannot carry", () => {
    const error = refusal(call({ tool: tool({ endpoint: { headers: { "X-Customer": "{{input.customer}}" } } }), input: { customer: "snow ☃" } }))
    expect(error.code).toBe("invalid_input")
  })
})

describe("OAuth bearer tokens", () => {
  const oauthTool = tool({
    integration: {
      name: "Calendar",
      domain: "api.example.com",
      auth: { type: "oauth2", providerKey: "google", identity: "triggering_user", authorizationUrl: "https://a", tokenUrl: "https://t", scopes: [], tokenAuthMethod: "client_secret_post" },
    },
    endpoint: { headers: { Authorization: "Basic overridden" } },
  })

  it("sends the triggering person's token as the Authorization header of an oauth2 tool", () => {
    expect(buildHttpToolRequest(call({ tool: oauthTool, bearerToken: TOKEN })).headers["authorization"]).toBe(`Bearer ${TOKEN}`)
  })

  it("never sends a token to a tool that is not oauth2", () => {
    expect(buildHttpToolRequest(call({ bearerToken: TOKEN })).headers["authorization"]).toBeUndefined()
    expect(buildHttpToolRequest(call({ tool: tool({ integration: { name: "Open", domain: "api.example.com" } }), bearerToken: TOKEN })).headers["authorization"]).toBeUndefined()
  })

  it("refuses an oauth2 tool without a token, and a token that would break the header", () => {
    expect(refusal(call({ tool: oauthTool, bearerToken: null })).code).toBe("secret_missing")
    const error = refusal(call({ tool: oauthTool, bearerToken: `${TOKEN}\r\nX: y` }))
    expect(error.code).toBe("header_injection")
    expect(error.message).not.toContain(TOKEN)
  })
})
