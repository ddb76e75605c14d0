// Malformed requests for every Remix route, generated from the build's route manifest: each
// loader (GET, and Remix's own `.data` form of it) and each action (POST), with odd parameters,
// queries, headers, bodies and form fields. A new route is fuzzed without anyone adding it here.

import { fillRoute as fill, routePattern, type RouteManifest } from "#tests/fixtures/route-manifest.ts"
import type { FuzzRequest, FuzzTargets } from "./fuzz-request.ts"
import { ODD_BODIES, ODD_COOKIES, ODD_HEADERS, ODD_QUERIES, ODD_SEGMENTS } from "./malformed.ts"

/** Every intent any page form sends, and some none does; "delete" last, since it ends the target. */
const INTENTS = ["", "x", "__proto__", "create", "rename", "changeRole", "remove", "revoke", "resend", "addMember", "removeMember", "send", "stop", "retry", "approve", "add-collaborator", "remove-collaborator", "delete"]
const FORM_FIELDS = ["name", "email", "role", "userId", "teamId", "runId", "sessionId", "invitationId", "prompt", "runtime", "model", "displayName", "returnTo", "teamIds"]
/** Empty, and every kind of unshowable character at once. (Each field's limits are fuzzed through its procedure.) */
const FORM_VALUES = ["", "a\u0000b\u202egnp.exe\ud800"]

/** URL-encoded form body, keeping lone surrogates (URLSearchParams would replace them). */
function formBody(fields: Readonly<Record<string, string>>): string {
  const encode = (value: string) => value.replace(/[^A-Za-z0-9\-_.~]/g, (character) => {
    const code = character.charCodeAt(0)
    return code >= 0xd800 && code <= 0xdfff ? "%ED%A0%80" : encodeURIComponent(character)
  })
  return Object.entries(fields).map(([name, value]) => `${encode(name)}=${encode(value)}`).join("&")
}

const FORM = { "content-type": "application/x-www-form-urlencoded" }

/**
 * Builder tool calls as the broker sends them (shared/mcp/tool-execute.ts), odd ones and ones whose
 * claims name a run that has ended: each must be refused without a write.
 */
function toolCalls(targets: FuzzTargets): string[] {
  const claims = { workspaceId: targets.workspaceId, appId: targets.appId, runId: targets.runId, runtime: "claude" }
  const call = (tool: string, input: unknown, claimed: unknown = claims) => JSON.stringify({ claims: claimed, toolSet: "second", tool, input })
  return [
    call("set_app_metadata", { name: "Lunch", description: "Orders" }),
    call("list_app_integration_keys", { domain: null }),
    call("set_app_metadata", { name: "\u0000\u202e", description: "x" }),
    call("set_app_metadata", { name: "x".repeat(61), description: "y" }),
    call("done_building", { summary: "x" }),
    call("list_app_integration_keys", {}, { ...claims, runId: "../x" }),
    call("list_app_integration_keys", {}, { ...claims, runtime: "gpt" }),
    // present_integration_setup's sync: a valid setup for a run that has ended, and odd setups.
    call("sync_integration_setup", {
      setup: {
        integrations: [
          { name: "Helpdesk", domain: "api.helpdesk.example.com", keyName: "Key", capabilityLabel: "Read", why: "Tickets.", permissionGroups: [], secrets: [], setupInstructions: { overview: "x", steps: [], links: [] } },
        ],
      },
    }),
    call("sync_integration_setup", { setup: { integrations: [] } }),
    call("sync_integration_setup", { setup: { integrations: [{ domain: "../../x" }] } }),
    call("sync_integration_setup", { setup: "integration-setup.json" }),
    call("__proto__", {}),
  ]
}

/** Build reports as the worker sends them (shared/apps/app-build.ts), odd ones and ones whose run has ended. */
function buildReports(targets: FuzzTargets): string[] {
  const claims = { workspaceId: targets.workspaceId, appId: targets.appId, runId: targets.runId, runtime: "claude" }
  const source = { files: { "dist/index.html": "<p>x</p>" }, binaryFiles: {}, skipped: [] }
  const report = (fields: Record<string, unknown>) => JSON.stringify({ claims, summary: "Built", durationMs: 1, source, ...fields })
  return [
    report({}),
    report({ source: { tooLarge: "x" } }),
    report({ source: { ...source, files: {} } }),
    report({ source: { ...source, files: { "../../etc/passwd": "x", "dist/index.html": "x" } } }),
    report({ summary: "x".repeat(5_000) }),
    report({ durationMs: "soon" }),
    report({ claims: { ...claims, runId: "../x" } }),
  ]
}

export function routeRequests(
  routes: RouteManifest,
  targets: FuzzTargets,
  /** Per route, the app (and its run) its requests use: an action may delete it. */
  appOf: (routeId: string) => { readonly appId: string; readonly runId: string },
): FuzzRequest[] {
  const requests: FuzzRequest[] = []
  const done = new Set<string>()
  /** False the first time a kind of input is asked about: that time it is fuzzed in full. */
  const fullyFuzzed = (kind: string) => done.has(kind) || (done.add(kind), false)
  for (const [id, route] of Object.entries(routes)) {
    const pattern = routePattern(id, routes)
    const params = { workspaceId: targets.workspaceId, token: targets.invitationToken, ...appOf(id) }
    // Splat routes (the tRPC endpoint, whose procedures are fuzzed one by one in procedure-fuzz.ts;
    // a preview's files): here their paths, traversal attempts included.
    if (pattern.endsWith("*")) {
      for (const odd of ["", "..", "%00", "a,b,c", "auth.me,,", "__proto__", "..%2f..%2fsrc%2fApp.tsx", "%2e%2e/%2e%2e/x", "a/b/c.js", "x".repeat(3_000)]) {
        requests.push({ label: `${id} /${odd.slice(0, 20)}`, as: "owner", method: "GET", path: fill(pattern, params).replace("*", odd) })
      }
      continue
    }
    const path = fill(pattern, params)
    const index = route.index ? "?index" : ""
    const internal = path.startsWith("/api/internal/") ? { authorization: `Bearer ${targets.internalToken}` } : undefined

    if (route.module.loader) {
      for (const as of ["nobody", "owner"] as const) {
        requests.push({ label: `GET ${id}`, as, method: "GET", path })
        requests.push({ label: `GET ${id} as data`, as, method: "GET", path: `${path === "/" ? "/_root" : path}.data${index}` })
        // Routes match case-insensitively: another spelling must meet the same checks.
        requests.push({ label: `GET ${id} upper-cased, as data`, as, method: "GET", path: `${path === "/" ? "/_ROOT" : path.toUpperCase()}.data${index}` })
        // Signed out, most routes refuse before reading the query: a sample is enough.
        for (const query of as === "owner" ? ODD_QUERIES : ODD_QUERIES.slice(0, 1)) {
          requests.push({ label: `GET ${id} ${query.slice(0, 40)}`, as, method: "GET", path: `${path}${query}` })
        }
      }
      // Headers are read by shared code (the host, getViewer, the stream routes' cursor): all of
      // them on the first route, then the two that reach the most code.
      for (const headers of fullyFuzzed("headers") ? ODD_HEADERS.slice(0, 2) : ODD_HEADERS) {
        requests.push({ label: `GET ${id} ${JSON.stringify(headers).slice(0, 60)}`, as: "owner", method: "GET", path, headers })
      }
      // Cookies are read by one function (getViewer) for every route: all of them once, two everywhere.
      for (const cookie of fullyFuzzed("cookies") ? ODD_COOKIES.slice(0, 2) : ODD_COOKIES) {
        requests.push({ label: `GET ${id} cookie ${cookie.slice(0, 40)}`, as: "nobody", method: "GET", path, headers: { cookie } })
      }
      // A parameter is checked the same way in every route that takes it: all odd segments the
      // first time, three afterwards.
      for (const name of Object.keys(params).filter((param) => pattern.includes(`:${param}`))) {
        for (const segment of fullyFuzzed(`segment ${name}`) ? ODD_SEGMENTS.slice(0, 3) : ODD_SEGMENTS) {
          const odd = fill(pattern, { ...params, [name]: segment })
          requests.push({ label: `GET ${id} ${name}=${segment.slice(0, 20)}`, as: "owner", method: "GET", path: odd })
        }
      }
    }

    for (const method of ["PUT", "PATCH", "DELETE"]) {
      requests.push({ label: `${method} ${id}`, as: "owner", method, path: `${path}${index}`, headers: FORM, body: "a=1" })
    }
    if (!route.module.action) {
      requests.push({ label: `POST ${id} (no action)`, as: "nobody", method: "POST", path, headers: FORM, body: "a=1" })
      continue
    }
    // Page actions read forms through one function (readForm): every odd body for the first page
    // action and the first resource route, a few for the rest. The internal API parses its own.
    const page = Boolean(route.module.default)
    const bodies = internal || !fullyFuzzed(page ? "page bodies" : "resource bodies") ? ODD_BODIES : ODD_BODIES.slice(0, 3)
    for (const as of ["nobody", "owner"] as const) {
      const targets = [`${path}${index}`, ...(as === "owner" ? [`${path === "/" ? "/_root" : path}.data${index}`] : [])]
      for (const target of targets) {
        for (const odd of bodies) {
          const headers = { ...internal, ...(odd.contentType ? { "content-type": odd.contentType } : {}) }
          requests.push({ label: `POST ${target} body: ${odd.label}`, as, method: "POST", path: target, headers, body: odd.body })
        }
      }
    }
    if (internal) {
      for (const report of ['{"appId":1}', '{"outcome":"completed","transcript":"x"}', "[]", "null", '{"transcript":[{"kind":"x"}]}', ...toolCalls(targets), ...buildReports(targets)]) {
        requests.push({ label: `POST ${id} report ${report}`, as: "nobody", method: "POST", path, headers: { ...internal, "content-type": "application/json" }, body: report })
      }
    }
    // Intents pick what a page action does; resource routes have none. Empty fields once, on the
    // first page action (each field's own limits are fuzzed through its procedure).
    const takesIntents = page || internal !== undefined
    const formValues = takesIntents && !fullyFuzzed("form values") ? FORM_VALUES : FORM_VALUES.slice(1)
    for (const intent of takesIntents ? INTENTS : []) {
      for (const value of formValues) {
        const fields = Object.fromEntries(FORM_FIELDS.map((field) => [field, value]))
        requests.push({
          label: `POST ${id} intent=${intent} fields=${JSON.stringify(value.slice(0, 12))}`,
          as: "owner",
          method: "POST",
          path: `${path}${index}`,
          headers: { ...internal, ...FORM },
          body: formBody({ ...fields, intent }),
        })
      }
    }
    requests.push({ label: `POST ${id} repeated fields`, as: "owner", method: "POST", path: `${path}${index}`, headers: FORM, body: "intent=x&intent=y&name=a&name=b&teamIds=1&teamIds=2" })
  }
  return requests
}
