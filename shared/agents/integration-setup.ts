// integration-setup.json: what an admin must set up so an app's tools can call company APIs — per
// credential (domain + keySlug) why it is needed, which permissions to grant, which secrets to
// store and how. The builder writes it only when the app's grants are missing or insufficient;
// one entry covers every agent tool and appTool that shares the key. Checked against agents.json
// when given, so a card never asks for less than the tools will need.

import { Schema } from "effect"
import { type AgentsConfig, type CustomTool, DOMAIN_PATTERN, IntegrationAuth, KEY_SLUG_PATTERN, oauthScopeProblem, SECRET_NAME_PATTERN } from "./agents-config.ts"
import { type ConfigProblem, type ConfigResult, decodeWithProblems, formatPath, type PathSegment, readJsonInput } from "./config-problems.ts"
import { httpsUrlProblem } from "./custom-tool-rules.ts"
import { secretsUsedBy } from "./placeholders.ts"

/** Where the builder writes it, relative to the app's directory. */
export const INTEGRATION_SETUP_FILE = "integration-setup.json"

export const INTEGRATION_SETUP_LIMITS = { integrations: 20, permissionGroups: 20, permissions: 50, secrets: 20, steps: 30, links: 20, fileBytes: 128 * 1024 } as const

const text = (max: number) => Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(max))
const list = <S extends Schema.Top>(item: S, max: number) => Schema.Array(item).check(Schema.isMaxLength(max))

export const PermissionGroup = Schema.Struct({
  name: text(120),
  description: text(1_000),
  /** The provider's own permission or scope names, as the admin will see them in its console. */
  permissions: list(text(300), INTEGRATION_SETUP_LIMITS.permissions),
})

export const IntegrationSecret = Schema.Struct({
  /** As `{{secrets.NAME}}` references it. */
  name: Schema.String.check(Schema.isPattern(SECRET_NAME_PATTERN)),
  label: text(120),
  description: text(1_000),
  required: Schema.Boolean,
})

export const SetupStep = Schema.Struct({
  title: text(200),
  /** Markdown; links allowed. */
  description: text(4_000),
  url: Schema.optionalKey(text(2_000)),
})

export const SetupLink = Schema.Struct({ label: text(200), url: text(2_000) })

export const IntegrationSetupEntry = Schema.Struct({
  name: text(120),
  domain: Schema.String.check(Schema.isPattern(DOMAIN_PATTERN)),
  /** Default "default", as in agents.json. */
  keySlug: Schema.optionalKey(Schema.String.check(Schema.isPattern(KEY_SLUG_PATTERN))),
  /** What the stored credential is called on the Integrations page ("Zendesk support key"). */
  keyName: text(120),
  /** What the credential lets the app do, in a few words ("Read and update tickets"). */
  capabilityLabel: text(200),
  why: text(2_000),
  permissionGroups: list(PermissionGroup, INTEGRATION_SETUP_LIMITS.permissionGroups),
  secrets: list(IntegrationSecret, INTEGRATION_SETUP_LIMITS.secrets),
  auth: Schema.optionalKey(IntegrationAuth),
  setupInstructions: Schema.Struct({
    overview: text(4_000),
    steps: list(SetupStep, INTEGRATION_SETUP_LIMITS.steps),
    links: list(SetupLink, INTEGRATION_SETUP_LIMITS.links),
  }),
})
export type IntegrationSetupEntry = typeof IntegrationSetupEntry.Type

export const IntegrationSetup = Schema.Struct({
  integrations: Schema.Array(IntegrationSetupEntry).check(Schema.isMinLength(1), Schema.isMaxLength(INTEGRATION_SETUP_LIMITS.integrations)),
})
export type IntegrationSetup = typeof IntegrationSetup.Type

export interface IntegrationSetupValidationOptions {
  /** The app's agents.json: every credential its tools need must then be set up here. */
  readonly agentsConfig?: AgentsConfig
}

export function validateIntegrationSetup(input: string | unknown, options: IntegrationSetupValidationOptions = {}): ConfigResult<IntegrationSetup> {
  const read = readJsonInput(input, INTEGRATION_SETUP_FILE, INTEGRATION_SETUP_LIMITS.fileBytes)
  if (!read.ok) return read
  const decoded = decodeWithProblems(IntegrationSetup, read.value)
  if (!decoded.ok) return decoded
  const problems = integrationSetupProblems(decoded.config, options)
  return problems.length === 0 ? decoded : { ok: false, problems }
}

const keyOf = (domain: string, keySlug: string | undefined) => `${domain} ${keySlug ?? "default"}`

export function integrationSetupProblems(setup: IntegrationSetup, options: IntegrationSetupValidationOptions = {}): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  const add = (path: readonly PathSegment[], message: string) => problems.push({ path: formatPath(path), message })
  const byKey = new Map<string, number>()
  setup.integrations.forEach((entry, index) => {
    const at = ["integrations", index]
    const key = keyOf(entry.domain, entry.keySlug)
    const earlier = byKey.get(key)
    if (earlier !== undefined) add([...at, "keySlug"], `integrations[${earlier}] already sets up domain "${entry.domain}" with keySlug "${entry.keySlug ?? "default"}"; merge them into one entry`)
    else byKey.set(key, index)
    entryProblems(entry, at, add)
  })
  if (options.agentsConfig) agreementProblems(setup, options.agentsConfig, byKey, add)
  return problems
}

function entryProblems(entry: IntegrationSetupEntry, at: readonly PathSegment[], add: (path: readonly PathSegment[], message: string) => void): void {
  const secretNames = entry.secrets.map((secret) => secret.name)
  secretNames.forEach((name, index) => {
    if (secretNames.indexOf(name) !== index) add([...at, "secrets", index, "name"], `repeats secret "${name}"; list each secret once`)
  })
  const authType = entry.auth?.type
  if (authType === "static" && entry.secrets.length === 0) add([...at, "secrets"], `must list the secrets an admin stores for auth "static"`)
  if ((authType === "none" || authType === "oauth2") && entry.secrets.length > 0) {
    add([...at, "secrets"], `must be empty with auth "${authType}": stored secrets are only for auth "static"`)
  }
  const urls: Array<[PathSegment[], string]> = [
    ...entry.setupInstructions.steps.flatMap((step, index): Array<[PathSegment[], string]> => (step.url === undefined ? [] : [[[...at, "setupInstructions", "steps", index, "url"], step.url]])),
    ...entry.setupInstructions.links.map((link, index): [PathSegment[], string] => [[...at, "setupInstructions", "links", index, "url"], link.url]),
  ]
  if (entry.auth?.type === "oauth2") {
    urls.push([[...at, "auth", "authorizationUrl"], entry.auth.authorizationUrl], [[...at, "auth", "tokenUrl"], entry.auth.tokenUrl])
    entry.auth.scopes.forEach((scope, index, scopes) => {
      const problem = oauthScopeProblem(scope)
      if (problem) add([...at, "auth", "scopes", index], problem)
      if (scopes.indexOf(scope) !== index) add([...at, "auth", "scopes", index], `repeats "${scope}"; list each scope once`)
    })
  }
  for (const [path, url] of urls) {
    const problem = httpsUrlProblem(url)
    if (problem) add(path, problem)
  }
}

/** Every credentialed tool's key is set up here, with every secret it references and the same kind of auth. */
function agreementProblems(setup: IntegrationSetup, config: AgentsConfig, byKey: ReadonlyMap<string, number>, add: (path: readonly PathSegment[], message: string) => void): void {
  const tools: Array<{ tool: CustomTool; path: string }> = []
  config.agents.forEach((agent, agentIndex) =>
    agent.tools.forEach((tool, index) => {
      if (tool.type === "custom") tools.push({ tool, path: formatPath(["agents", agentIndex, "tools", index]) })
    }),
  )
  ;(config.appTools ?? []).forEach((tool, index) => tools.push({ tool, path: formatPath(["appTools", index]) }))

  const reported = new Set<string>()
  for (const { tool, path } of tools) {
    const authType = tool.integration.auth?.type ?? "none"
    if (tool.enabled === false || authType === "none") continue
    const { domain, keySlug = "default" } = tool.integration
    const index = byKey.get(keyOf(domain, keySlug))
    if (index === undefined) {
      const once = `missing ${keyOf(domain, keySlug)}`
      if (!reported.has(once)) add(["integrations"], `has no entry for domain "${domain}" with keySlug "${keySlug}", which ${path} calls with auth "${authType}"; add one`)
      reported.add(once)
      continue
    }
    const entry = setup.integrations[index]!
    const toolAuth = tool.integration.auth
    if (entry.auth !== undefined && entry.auth.type !== authType) {
      add(["integrations", index, "auth"], `says auth "${entry.auth.type}" but ${path} uses auth "${authType}"; make them agree`)
    } else if (toolAuth?.type === "oauth2" && entry.auth?.type !== "oauth2") {
      // The admin registers the OAuth client from this block; without it the card cannot say how.
      add(["integrations", index, "auth"], `is missing: ${path} signs in with OAuth provider "${toolAuth.providerKey}"; copy its integration.auth block here`)
    } else if (toolAuth?.type === "oauth2" && entry.auth?.type === "oauth2" && entry.auth.providerKey !== toolAuth.providerKey) {
      add(["integrations", index, "auth", "providerKey"], `is "${entry.auth.providerKey}" but ${path} uses providerKey "${toolAuth.providerKey}"; make them agree`)
    }
    const listed = new Set(entry.secrets.map((secret) => secret.name))
    for (const name of secretsUsedBy(tool)) {
      const once = `secret ${index} ${name}`
      if (!listed.has(name) && !reported.has(once)) add(["integrations", index, "secrets"], `has no secret "${name}", which ${path} uses as {{secrets.${name}}}; add it`)
      reported.add(once)
    }
  }
}

/** The setup as the present_integration_setup card and the Integrations page show it, defaults written out. */
export function summarizeIntegrationSetup(setup: IntegrationSetup) {
  return {
    integrations: setup.integrations.map((entry) => {
      const authType = entry.auth?.type ?? (entry.secrets.length > 0 ? "static" : "none")
      return {
        name: entry.name,
        domain: entry.domain,
        keySlug: entry.keySlug ?? "default",
        keyName: entry.keyName,
        capabilityLabel: entry.capabilityLabel,
        why: entry.why,
        authType,
        providerKey: entry.auth?.type === "oauth2" ? entry.auth.providerKey : null,
        scopes: entry.auth?.type === "oauth2" ? [...entry.auth.scopes] : [],
        /** Where the admin's OAuth client for providerKey authorizes and gets tokens: prefills Settings → Integrations. */
        oauthEndpoints:
          entry.auth?.type === "oauth2"
            ? { authorizationUrl: entry.auth.authorizationUrl, tokenUrl: entry.auth.tokenUrl, tokenAuthMethod: entry.auth.tokenAuthMethod }
            : null,
        permissionGroups: entry.permissionGroups.map((group) => ({ name: group.name, description: group.description, permissions: [...group.permissions] })),
        secrets: entry.secrets.map((secret) => ({ name: secret.name, label: secret.label, description: secret.description, required: secret.required })),
        setupInstructions: {
          overview: entry.setupInstructions.overview,
          steps: entry.setupInstructions.steps.map((step) => ({ title: step.title, description: step.description, url: step.url ?? null })),
          links: entry.setupInstructions.links.map((link) => ({ label: link.label, url: link.url })),
        },
      }
    }),
  }
}
export type IntegrationSetupSummary = ReturnType<typeof summarizeIntegrationSetup>
