// Turns an approved custom tool, the agent's arguments and the stored credentials into the one
// HTTP request to make. The agent's input is checked against the declared parameters first (the
// agent can only fill what the admin approved); placeholders are filled per position: URL-encoded
// in the URL, as text in headers and query values, as the raw value where a JSON body string is
// exactly one placeholder. Errors name parameters, secrets and headers, never a value.

import type { Schema } from "effect"
import type { CustomTool, ToolParameter } from "#shared/agents/agents-config.ts"
import { isPlatformOwnedHeader } from "#shared/agents/platform-headers.ts"
import type { AppToolInput } from "#shared/mcp/app-tools.ts"
import { HttpToolError } from "./http-tool-error.server.ts"

export interface HttpToolCall {
  readonly tool: CustomTool
  readonly input: AppToolInput
  /** The integration's static secrets by name (auth type static). */
  readonly secrets: Readonly<Record<string, string>>
  /** The triggering person's OAuth access token (auth type oauth2), or null. */
  readonly bearerToken: string | null
}

export interface HttpToolRequest {
  readonly method: CustomTool["endpoint"]["method"]
  readonly url: URL
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | null
}

type InputValue = string | number | boolean
type CheckedInput = ReadonlyMap<string, InputValue>

const PLACEHOLDER = /\{\{\s*(input|secrets)\.([A-Za-z0-9_]+)\s*\}\}/g
const WHOLE_PLACEHOLDER = /^\{\{\s*(input|secrets)\.([A-Za-z0-9_]+)\s*\}\}$/
const MAX_URL_LENGTH = 8_192
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** What node:http refuses in a header value besides line breaks. */
const UNSENDABLE_HEADER_CHARACTER = /[^\t\x20-\x7e\x80-\xff]/
/** Half of a UTF-16 pair on its own: not text, and encodeURIComponent throws on it. */
const LONE_SURROGATE = /\p{Cs}/u

/** Checks the agent's input against the tool's declared parameters; throws invalid_input. */
export function checkToolInput(tool: Pick<CustomTool, "name" | "input">, input: AppToolInput): CheckedInput {
  const declared = Object.entries(tool.input ?? {})
  const given = Object.entries(input ?? {})
  if (declared.length === 0 && given.length > 0) {
    throw new HttpToolError("invalid_input", `${tool.name} takes no parameters; call it with an empty object`)
  }
  const names = declared.map(([name]) => name)
  const checked = new Map<string, InputValue>()
  for (const [name, value] of given) {
    const parameter = tool.input?.[name]
    if (!parameter || !Object.hasOwn(tool.input ?? {}, name)) {
      throw new HttpToolError("invalid_input", `${tool.name} has no parameter "${name}"; its parameters are: ${names.join(", ")}`)
    }
    // An agent often spells "left out" as null; that is fine for an optional parameter.
    if (value === null && parameter.required !== true) continue
    checked.set(name, checkValue(tool.name, name, parameter, value))
  }
  const missing = declared.filter(([name, parameter]) => parameter.required === true && !checked.has(name)).map(([name]) => name)
  if (missing.length > 0) throw new HttpToolError("invalid_input", `${tool.name} needs ${missing.map((name) => `"${name}"`).join(", ")}`)
  return checked
}

function checkValue(toolName: string, name: string, parameter: ToolParameter, value: Schema.Json): InputValue {
  const fits =
    (parameter.type === "string" && typeof value === "string") ||
    (parameter.type === "number" && typeof value === "number" && Number.isFinite(value)) ||
    (parameter.type === "integer" && typeof value === "number" && Number.isSafeInteger(value)) ||
    (parameter.type === "boolean" && typeof value === "boolean")
  if (!fits && parameter.type === "integer" && Number.isInteger(value)) {
    // Beyond 2^53 a number is no longer the exact integer that was meant (1e300 is not one).
    throw new HttpToolError("invalid_input", `${toolName}: "${name}" must be an integer from ${Number.MIN_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}`)
  }
  if (!fits) throw new HttpToolError("invalid_input", `${toolName}: "${name}" must be ${article(parameter.type)} ${parameter.type}`)
  if (typeof value === "string" && LONE_SURROGATE.test(value)) {
    throw new HttpToolError("invalid_input", `${toolName}: "${name}" is not valid Unicode text (it holds half of a surrogate pair); send well-formed text`)
  }
  if (parameter.enum && !parameter.enum.includes(String(value))) {
    throw new HttpToolError("invalid_input", `${toolName}: "${name}" must be one of ${parameter.enum.join(", ")}`)
  }
  return value as InputValue
}

const article = (type: string) => (type === "integer" ? "an" : "a")

/** Builds the request; throws HttpToolError (invalid_input, secret_missing, header_injection). */
export function buildHttpToolRequest(call: HttpToolCall): HttpToolRequest {
  const { tool } = call
  const input = checkToolInput(tool, call.input)
  const fill = placeholderFiller(tool, input, call.secrets)

  const url = buildUrl(tool, fill)
  const headers: Record<string, string> = {}
  for (const [name, template] of Object.entries(tool.endpoint.headers ?? {})) {
    const lower = name.toLowerCase()
    if (!HEADER_NAME.test(name)) throw new HttpToolError("header_injection", `${tool.name}: header name "${printable(name)}" is not a valid HTTP header name`)
    if (isPlatformOwnedHeader(name)) throw new HttpToolError("header_injection", `${tool.name}: header ${name} is set by the platform; remove it from the tool`)
    headers[lower] = checkHeaderValue(tool.name, name, fillText(template, fill, (value, kind, parameter) => inputForHeader(tool.name, name, value, kind, parameter)))
  }
  const auth = tool.integration.auth
  if (auth?.type === "oauth2") {
    if (call.bearerToken === null || call.bearerToken === "") {
      throw new HttpToolError("secret_missing", `${tool.name} needs the account of the person who started the agent, who has not connected ${tool.integration.name} yet`)
    }
    headers["authorization"] = checkHeaderValue(tool.name, "Authorization", `Bearer ${call.bearerToken}`)
  }
  const body = tool.endpoint.body === undefined ? null : JSON.stringify(fillJson(tool.endpoint.body, fill) ?? null)
  if (body !== null) headers["content-type"] ??= "application/json"
  headers["accept"] ??= "application/json"
  // The 1 MB response cap counts the bytes as sent; compressed bodies would slip past it.
  headers["accept-encoding"] = "identity"
  return { method: tool.endpoint.method, url, headers, body }
}

/** A placeholder's value: undefined for an input left out; throws for a secret not set. */
type Fill = (kind: string, name: string) => InputValue | undefined
/** How a filled value is written where its placeholder stands; `kind` and `name` say which placeholder it is. */
type Encode = (value: string, kind: string, name: string) => string

function placeholderFiller(tool: CustomTool, input: CheckedInput, secrets: Readonly<Record<string, string>>): Fill {
  return (kind, name) => {
    if (kind === "secrets") {
      const value = Object.hasOwn(secrets, name) ? secrets[name] : undefined
      if (value === undefined || value === "") {
        throw new HttpToolError("secret_missing", `${tool.name} needs the secret ${name}, which is not set for ${tool.integration.name}; an admin sets it in the app's integration settings`)
      }
      return value
    }
    if (!Object.hasOwn(tool.input ?? {}, name)) {
      throw new HttpToolError("invalid_input", `${tool.name} uses {{input.${name}}}, which is not one of its declared parameters; fix the tool in agents.json`)
    }
    return input.get(name)
  }
}

function fillText(template: string, fill: Fill, encode: Encode): string {
  return template.replace(PLACEHOLDER, (_match, kind: string, name: string) => {
    const value = fill(kind, name)
    return value === undefined ? "" : encode(String(value), kind, name)
  })
}

/**
 * An input's value in a header: one that cannot be sent there is the caller's to fix (invalid
 * input, naming the parameter); a secret or the template itself is left to checkHeaderValue.
 */
function inputForHeader(toolName: string, header: string, value: string, kind: string, parameter: string): string {
  if (kind === "input" && (/[\r\n\0]/.test(value) || UNSENDABLE_HEADER_CHARACTER.test(value))) {
    throw new HttpToolError(
      "invalid_input",
      `${toolName}: "${parameter}" goes in the ${header} header, which cannot carry line breaks, control characters or characters outside Latin-1; send plain text`,
    )
  }
  return value
}

/** encodeURIComponent, with the URIError it throws for malformed text turned into invalid_input naming `what`. */
function encodeUriPart(toolName: string, what: string, value: string): string {
  try {
    return encodeURIComponent(value)
  } catch {
    throw new HttpToolError("invalid_input", `${toolName}: ${what} is not valid Unicode text (it holds half of a surrogate pair); send well-formed text`)
  }
}

function buildUrl(tool: CustomTool, fill: Fill): URL {
  const encodeForUrl: Encode = (value, kind, name) => {
    // encodeURIComponent leaves dots alone, and a whole "." or ".." segment would climb the path.
    if (value === "." || value === "..") throw new HttpToolError("invalid_input", `${tool.name}: "${name}" goes in the URL's path and cannot be "." or ".."`)
    return encodeUriPart(tool.name, `the ${kind === "input" ? "parameter" : "secret"} "${name}"`, value)
  }
  let url: URL
  try {
    url = new URL(fillText(tool.endpoint.url, fill, encodeForUrl))
  } catch (error) {
    if (error instanceof HttpToolError) throw error
    throw new HttpToolError("invalid_input", `${tool.name}: the URL is not valid once its placeholders are filled`)
  }
  // Appended as text rather than through searchParams, which would re-encode the template's own query.
  const added: string[] = []
  for (const [name, template] of Object.entries(tool.endpoint.queryParams ?? {})) {
    const whole = WHOLE_PLACEHOLDER.exec(template)
    // A query parameter that is one optional input the agent left out is left out too.
    if (whole?.[1] === "input" && whole[2] !== undefined && fill("input", whole[2]) === undefined) continue
    const value = fillText(template, fill, (text) => text)
    const what = `the query parameter ${printable(name)}`
    added.push(`${encodeUriPart(tool.name, `${what}'s name`, name)}=${encodeUriPart(tool.name, what, value)}`)
  }
  if (added.length > 0) url.search = `${url.search === "" ? "" : `${url.search.slice(1)}&`}${added.join("&")}`
  if (url.href.length > MAX_URL_LENGTH) throw new HttpToolError("invalid_input", `${tool.name}: the URL is longer than ${MAX_URL_LENGTH} characters; send shorter values`)
  return url
}

function checkHeaderValue(toolName: string, name: string, value: string): string {
  if (/[\r\n\0]/.test(value)) {
    throw new HttpToolError("header_injection", `${toolName}: header ${name} would contain a line break or NUL character, which could forge headers, so the call was refused.`)
  }
  // An input's value was checked as it was filled (inputForHeader): what is left is the tool's own
  // template or a stored secret, which the caller cannot fix.
  if (UNSENDABLE_HEADER_CHARACTER.test(value)) {
    throw new HttpToolError("header_injection", `${toolName}: header ${name} would contain characters HTTP headers cannot carry (control or non-Latin-1 characters); fix the tool's header or the secret it uses`)
  }
  return value
}

/** Fills a JSON body template; undefined for a value that is one left-out input (dropped from its object). */
function fillJson(template: Schema.Json, fill: Fill): Schema.Json | undefined {
  if (typeof template === "string") {
    const whole = WHOLE_PLACEHOLDER.exec(template)
    if (whole?.[1] !== undefined && whole[2] !== undefined) return fill(whole[1], whole[2])
    return fillText(template, fill, (value) => value)
  }
  if (Array.isArray(template)) return template.map((item) => fillJson(item, fill) ?? null)
  if (template !== null && typeof template === "object") {
    const filled: Record<string, Schema.Json> = {}
    for (const [key, value] of Object.entries(template)) {
      const result = fillJson(value as Schema.Json, fill)
      if (result !== undefined) filled[key] = result
    }
    return filled
  }
  return template
}

/** A header name for an error message, with control characters shown as escapes. */
const printable = (text: string) => JSON.stringify(text).slice(1, -1).slice(0, 80)
