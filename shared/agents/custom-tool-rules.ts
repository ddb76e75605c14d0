// The rules one custom tool must follow beyond its shape: where its URL may point, which
// placeholders its templates may hold, which headers it may set, and how its parameters and OAuth
// block read. Each rule reports at the exact JSON path so the builder fixes the right field.

import { AGENTS_CONFIG_LIMITS, type CustomTool, type OAuthAuth, oauthScopeProblem, PARAMETER_NAME_PATTERN } from "./agents-config.ts"
import type { PathSegment } from "./config-problems.ts"
import { isPlatformOwnedHeader } from "./platform-headers.ts"
import { hasPlaceholder, placeholderProblems, type TemplateContext, withoutPlaceholders } from "./placeholders.ts"

export type AddProblem = (path: readonly PathSegment[], message: string) => void

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const LINE_BREAK = /[\r\n\0]/
/** OAuth parameters the platform sets itself; a config overriding them could redirect codes or skip PKCE. */
const PLATFORM_AUTHORIZATION_PARAMS = new Set(["response_type", "client_id", "redirect_uri", "state", "scope", "code_challenge", "code_challenge_method"])
const PLATFORM_TOKEN_PARAMS = new Set(["grant_type", "code", "redirect_uri", "client_id", "client_secret", "code_verifier", "refresh_token"])

export function customToolProblems(tool: CustomTool, at: readonly PathSegment[], add: AddProblem): void {
  const authType = tool.integration.auth?.type ?? "none"
  const parameters = tool.input ?? {}
  const context: TemplateContext = { authType, parameters: new Set(Object.keys(parameters)), usedInputs: new Set(), usedSecrets: new Set() }
  const endpoint = [...at, "endpoint"]

  urlProblems(tool.endpoint.url, tool.integration.domain, [...endpoint, "url"], context, add)
  headerProblems(tool.endpoint.headers ?? {}, [...endpoint, "headers"], context, add)
  queryProblems(tool.endpoint.queryParams ?? {}, [...endpoint, "queryParams"], context, add)
  if (tool.endpoint.body !== undefined) {
    // fetch refuses a body on GET, so such a tool could never run.
    if (tool.endpoint.method === "GET") add([...endpoint, "body"], "must be left out for GET; send values with queryParams, or use POST")
    bodyProblems(tool.endpoint.body, [...endpoint, "body"], context, add)
  }

  if (authType === "static" && context.usedSecrets.size === 0) {
    add([...at, "integration", "auth"], `auth "static" needs at least one {{secrets.NAME}} in the url, headers, query or body (like "Authorization": "Bearer {{secrets.API_KEY}}"); or use {"type": "none"} for a public API`)
  }
  parameterProblems(tool, [...at, "input"], context, add)
  const auth = tool.integration.auth
  if (auth?.type === "oauth2") oauthProblems(auth, [...at, "integration", "auth"], add)
}

function templateProblems(text: string, path: readonly PathSegment[], context: TemplateContext, add: AddProblem): void {
  for (const message of placeholderProblems(text, context)) add(path, message)
}

function urlProblems(url: string, domain: string, path: readonly PathSegment[], context: TemplateContext, add: AddProblem): void {
  templateProblems(url, path, context, add)
  if (LINE_BREAK.test(url)) return add(path, "must not contain line breaks")
  if (!/^https:\/\//i.test(url)) return add(path, `must start with https:// (only HTTPS APIs are called), like "https://${domain}/…"`)
  const rest = url.slice("https://".length)
  const authority = rest.slice(0, rest.search(/[/?#\\]|$/))
  if (hasPlaceholder(authority)) return add(path, "must not have placeholders in the host; put {{input.NAME}} in the path or query instead")
  if (url.includes("#")) return add(path, "must not have a #fragment (it is never sent to the server); remove it")
  let parsed: URL
  try {
    parsed = new URL(withoutPlaceholders(url))
  } catch {
    return add(path, `is not a valid URL; write an absolute URL like "https://${domain}/v1/items/{{input.id}}"`)
  }
  if (parsed.username !== "" || parsed.password !== "") {
    add(path, "must not contain user:password@; send credentials in a header with {{secrets.NAME}} and auth \"static\"")
  }
  if (parsed.port !== "") add(path, `must not name port ${parsed.port}: only the HTTPS port 443 is called`)
  const host = parsed.hostname
  if (host !== domain && !host.endsWith(`.${domain}`)) {
    add(path, `calls host "${host}", which is neither integration.domain "${domain}" nor a subdomain of it; fix the url or the domain`)
  }
}

function headerProblems(headers: Readonly<Record<string, string>>, path: readonly PathSegment[], context: TemplateContext, add: AddProblem): void {
  const seen = new Map<string, string>()
  for (const [name, value] of Object.entries(headers)) {
    const at = [...path, name]
    const lower = name.toLowerCase()
    if (!HEADER_NAME.test(name)) add(at, "is not a valid header name: use letters, digits and - (no spaces, colons or placeholders)")
    const earlier = seen.get(lower)
    if (earlier !== undefined) add(at, `repeats header "${earlier}" (header names ignore case); keep one`)
    seen.set(lower, name)
    if (isPlatformOwnedHeader(name)) add(at, "is set by the platform's HTTP client; remove it")
    if (lower === "authorization" && context.authType !== "static") {
      add(at, context.authType === "oauth2"
        ? `must not be set with auth "oauth2": the platform sends the person's OAuth bearer token itself; remove it`
        : `must not be set with auth "none"; for an API key set integration.auth to {"type": "static"} and write "Bearer {{secrets.API_KEY}}"`)
    }
    if (LINE_BREAK.test(value)) add(at, "must not contain line breaks (they would inject headers)")
    templateProblems(value, at, context, add)
  }
}

function queryProblems(query: Readonly<Record<string, string>>, path: readonly PathSegment[], context: TemplateContext, add: AddProblem): void {
  for (const [name, value] of Object.entries(query)) {
    const at = [...path, name]
    if (name === "" || LINE_BREAK.test(name) || hasPlaceholder(name)) add(at, "is not a valid query parameter name: use plain text (placeholders go in the value)")
    if (LINE_BREAK.test(value)) add(at, "must not contain line breaks")
    templateProblems(value, at, context, add)
  }
}

function bodyProblems(value: unknown, path: readonly PathSegment[], context: TemplateContext, add: AddProblem): void {
  if (typeof value === "string") return templateProblems(value, path, context, add)
  if (Array.isArray(value)) {
    value.forEach((item, index) => bodyProblems(item, [...path, index], context, add))
    return
  }
  if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (hasPlaceholder(key)) add([...path, key], "placeholders are filled only in values, not in keys; use a fixed key")
      bodyProblems(item, [...path, key], context, add)
    }
  }
}

function parameterProblems(tool: CustomTool, path: readonly PathSegment[], context: TemplateContext, add: AddProblem): void {
  const parameters = Object.entries(tool.input ?? {})
  if (parameters.length > AGENTS_CONFIG_LIMITS.parameters) add(path, `must declare at most ${AGENTS_CONFIG_LIMITS.parameters} parameters`)
  for (const [name, parameter] of parameters) {
    const at = [...path, name]
    if (!PARAMETER_NAME_PATTERN.test(name)) add(at, `is not a valid parameter name: must match ${PARAMETER_NAME_PATTERN.source} (a lower-case letter, then letters, digits or "_", like "ticketId")`)
    else if (!context.usedInputs.has(name)) add(at, `is declared but no {{input.${name}}} uses it; use it in the url, headers, query or body, or remove it`)
    if (parameter.enum === undefined) continue
    if (parameter.type !== "string") add([...at, "enum"], `is only for "string" parameters; remove it or make the parameter a string`)
    parameter.enum.forEach((value, index) => {
      if (parameter.enum?.indexOf(value) !== index) add([...at, "enum", index], `repeats "${value}"; list each value once`)
    })
  }
}

function oauthProblems(auth: OAuthAuth, path: readonly PathSegment[], add: AddProblem): void {
  for (const field of ["authorizationUrl", "tokenUrl"] as const) {
    const problem = httpsUrlProblem(auth[field])
    if (problem) add([...path, field], problem)
  }
  auth.scopes.forEach((scope, index) => {
    const problem = oauthScopeProblem(scope)
    if (problem) add([...path, "scopes", index], problem)
    if (auth.scopes.indexOf(scope) !== index) add([...path, "scopes", index], `repeats "${scope}"; list each scope once`)
  })
  reservedParams(auth.authorizationParams, PLATFORM_AUTHORIZATION_PARAMS, [...path, "authorizationParams"], add)
  reservedParams(auth.tokenParams, PLATFORM_TOKEN_PARAMS, [...path, "tokenParams"], add)
}

function reservedParams(params: Readonly<Record<string, string>> | undefined, reserved: ReadonlySet<string>, path: readonly PathSegment[], add: AddProblem): void {
  for (const name of Object.keys(params ?? {})) {
    if (reserved.has(name)) add([...path, name], "is set by the platform during sign-in; remove it")
  }
}

/** Null when `url` is an absolute https:// URL without credentials; otherwise what to fix. */
export function httpsUrlProblem(url: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return `is not a valid URL; write an absolute https:// URL`
  }
  if (parsed.protocol !== "https:") return "must be an https:// URL"
  if (parsed.username !== "" || parsed.password !== "") return "must not contain user:password@"
  return null
}
