// Malformed calls for every tRPC procedure, generated from the router itself: the procedure list
// and each one's input shape (its zod objects), so a new procedure or field is fuzzed without
// anyone adding it here. Each field is broken one at a time inside an otherwise valid input (ids
// of real targets), so the broken part is what the server has to judge.

import { z } from "zod"
import type { FuzzRequest, FuzzTargets } from "./fuzz-request.ts"
import { DEEPLY_NESTED_JSON, ODD_BODIES, ODD_IDS, ODD_STRINGS, PROTOTYPE_KEYS, WHOLE_INPUTS, WRONG_TYPES } from "./malformed.ts"

export interface ProcedureDef {
  readonly _def: {
    readonly type: "query" | "mutation" | "subscription"
    readonly inputs: readonly unknown[]
    readonly meta?: { readonly access: string }
  }
}

/**
 * Ids are checked by one schema (idSchema) wherever they appear, and workspaceId by one shared
 * middleware: each is fuzzed in full on the first query and the first mutation that take it, and
 * lightly (absent, the wrong type, an id of nothing) on the rest.
 */
const LIGHT = new Set(["missing", "-1", JSON.stringify("a".repeat(24))])
/**
 * Whole inputs a procedure gets when another of its kind (query or mutation, same access) has had
 * them all: every input is an object judged by zod the same way, so a sample is enough. A
 * signed-out caller of a procedure that needs a session is refused before its input is read.
 */
const SAMPLED_INPUTS = new Set([undefined, '"x"', "{}", PROTOTYPE_KEYS[0]])

/** A valid value for each input field the API has, built around the fuzz targets. */
function validValue(field: string, targets: FuzzTargets): unknown {
  const known: Record<string, unknown> = {
    workspaceId: targets.workspaceId,
    appId: targets.appId,
    runId: targets.runId,
    versionId: targets.versionId,
    before: targets.runId,
    teamId: targets.teamId,
    userId: targets.userId,
    invitationId: targets.invitationId,
    token: targets.invitationToken,
    sessionId: targets.sessionId,
    name: "Fuzzed name",
    prompt: "Say hello",
    runtime: "claude",
    // One Claude Code offers (runtime above), so a valid request gets past the model check.
    model: "sonnet",
    email: "fuzz@example.com",
    role: "member",
    teamIds: [],
    limit: 5,
    // A customer-owned OAuth client (oauthProviders.save) whose endpoints are never called.
    providerKey: "fuzz-provider",
    clientSecret: "fuzz-client-secret",
    authorizationUrl: "https://accounts.example.com/o/oauth2/auth",
    tokenUrl: "https://accounts.example.com/o/oauth2/token",
    revocationUrl: null,
    tokenAuthMethod: "client_secret_post",
    authorizationParams: {},
  }
  return field in known ? known[field] : "x"
}

/** The fields of a procedure's input, from its zod object schemas (workspace procedures have two). */
export function inputFields(procedure: ProcedureDef): string[] {
  return [...new Set(procedure._def.inputs.flatMap((input) => (input instanceof z.ZodObject ? Object.keys(input.shape) : [])))]
}

interface BrokenValue {
  readonly label: string
  /** JSON text (deep nesting and prototype keys cannot go through JSON.stringify); null leaves the field out. */
  readonly json: string | null
}

const asJson = (value: unknown): BrokenValue => ({ label: JSON.stringify(value).slice(0, 26), json: JSON.stringify(value) })

/** Wrong for any field: absent, of the wrong type, reaching for a prototype, nested without end. */
const BROKEN_FOR_ANY: readonly BrokenValue[] = [
  { label: "missing", json: null },
  ...WRONG_TYPES.map(asJson),
  { label: PROTOTYPE_KEYS[0]!, json: PROTOTYPE_KEYS[0]! },
  { label: "deeply nested", json: DEEPLY_NESTED_JSON },
]
/** Ids, tokens and cursors get the odd ids, and the worst of the odd strings. */
const BROKEN_IDS: readonly BrokenValue[] = [...BROKEN_FOR_ANY, ...ODD_IDS.map(asJson), ...["", "a\u0000b", ODD_STRINGS.at(-1)!].map(asJson)]
/** Text (names, prompts, emails, models) gets the odd strings, and a few id-like ones. */
const BROKEN_TEXT: readonly BrokenValue[] = [...BROKEN_FOR_ANY, ...ODD_STRINGS.map(asJson), ...ODD_IDS.slice(4, 7).map(asJson)]

const isIdLike = (field: string) => /Ids?$|^token$|^before$/.test(field)

const HOLE = "\u0000fuzz-hole\u0000"

function withField(base: Record<string, unknown>, field: string, json: string | null): string {
  const rest = { ...base }
  delete rest[field]
  if (json === null) return JSON.stringify(rest)
  return JSON.stringify({ ...rest, [field]: HOLE }).replace(JSON.stringify(HOLE), json)
}

function call(path: string, type: "query" | "mutation", input: string | undefined): Pick<FuzzRequest, "method" | "path" | "headers" | "body"> {
  if (type === "query") return { method: "GET", path: `/api/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(input)}`}` }
  return { method: "POST", path: `/api/trpc/${path}`, headers: { "content-type": "application/json" }, ...(input === undefined ? {} : { body: input }) }
}

export function procedureRequests(procedures: Readonly<Record<string, ProcedureDef>>, targets: FuzzTargets): FuzzRequest[] {
  const requests: FuzzRequest[] = []
  const fullyFuzzed = new Set<string>()
  const transportFuzzed = new Set<string>()
  const wholeFuzzed = new Set<string>()
  for (const [path, procedure] of Object.entries(procedures)) {
    const type = procedure._def.type
    if (type === "subscription") continue
    const fields = inputFields(procedure)
    const base = Object.fromEntries(fields.map((field) => [field, validValue(field, targets)]))
    const isPublic = procedure._def.meta?.access === "public"

    for (const as of ["nobody", "owner"] as const) {
      const kind = `${type} ${procedure._def.meta?.access} ${as}`
      const sample = (as === "nobody" && !isPublic) || wholeFuzzed.has(kind)
      wholeFuzzed.add(kind)
      for (const input of WHOLE_INPUTS.filter((whole) => !sample || SAMPLED_INPUTS.has(whole))) {
        requests.push({ label: `${path} input=${input?.slice(0, 40) ?? "(none)"}`, as, ...call(path, type, input) })
      }
      // The wrong method, odd bodies and content types, broken batches: tRPC's transport, the same
      // code for every procedure, so once per kind of procedure (query or mutation, and access).
      if (transportFuzzed.has(kind)) continue
      transportFuzzed.add(kind)
      const wrongMethod = type === "query" ? call(path, "mutation", "{}") : call(path, "query", "{}")
      requests.push({ label: `${path} with the wrong method`, as, ...wrongMethod })
      for (const odd of ODD_BODIES) {
        requests.push({
          label: `${path} body: ${odd.label}`,
          as,
          method: "POST",
          path: `/api/trpc/${path}`,
          ...(odd.contentType ? { headers: { "content-type": odd.contentType } } : {}),
          body: odd.body,
        })
      }
      requests.push({ label: `${path} query: invalid JSON`, as, method: "GET", path: `/api/trpc/${path}?input=${encodeURIComponent('{"a":')}` })
      for (const batch of ['"x"', "[1]", "{}", '{"0":{"a":}']) {
        requests.push({ label: `${path} batch input=${batch}`, as, method: "GET", path: `/api/trpc/${path},${path}?batch=1&input=${encodeURIComponent(batch)}` })
      }
      requests.push({ label: `${path} connectionParams garbage`, as, method: "GET", path: `/api/trpc/${path}?connectionParams=${encodeURIComponent("{x")}` })
    }

    // Signed in, one field at a time.
    for (const field of fields) {
      const light = isIdLike(field) && fullyFuzzed.has(`${field} ${type}`)
      fullyFuzzed.add(`${field} ${type}`)
      for (const broken of (isIdLike(field) ? BROKEN_IDS : BROKEN_TEXT).filter((value) => !light || LIGHT.has(value.label))) {
        requests.push({ label: `${path} ${field}=${broken.label}`, as: "owner", ...call(path, type, withField(base, field, broken.json)) })
      }
    }
    // Unknown and prototype keys beside an invalid field, so the call cannot succeed whatever they do.
    const invalid = { ...base, [fields[0] ?? "x"]: 42 }
    for (const extra of ['"__proto__":{"isAdmin":true}', '"constructor":{"prototype":{"polluted":1}}', '"unknown":1']) {
      const body = `${JSON.stringify(invalid).slice(0, -1)},${extra}}`
      requests.push({ label: `${path} with ${extra.slice(0, 20)}`, as: "owner", ...call(path, type, body) })
    }
  }
  return requests
}
