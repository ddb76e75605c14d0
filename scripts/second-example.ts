// An example script using the typed client (app/client/second-client.ts) with an API token: lists
// the workspace's apps, sends a builder message to one (creating an app when there is none),
// follows the run's events to the end, and prints the builder's reply and how the run ended.
//
//   SECOND_URL=https://second.example.com SECOND_TOKEN=sec_… SECOND_WORKSPACE_ID=… \
//     npx tsx scripts/second-example.ts [--app <appId>] ["message for the builder"]
//
// Optional: SECOND_RUNTIME (claude, codex or opencode) for a new app; by default the first usable.
// Exit status: 0 when the run completed, 1 when it did not or a call was refused, 2 for bad input.

import { createSecondClient, describeSecondError, SecondClientError, type RunStreamEvent } from "#app/client/second-client.ts"
import { ID_PATTERN } from "#shared/ids.ts"
import { RUNTIME_IDS, type RuntimeId } from "#shared/runtime/run-event.ts"

const DEFAULT_MESSAGE = "Build a one-page app that greets the team with today's date."

/** Bad input: one line naming what to fix, exit status 2. */
function refuse(message: string): never {
  console.error(`second-example: ${message}`)
  process.exit(2)
}

function requiredEnv(name: string, what: string): string {
  const value = process.env[name]?.trim()
  if (!value) refuse(`${name} is not set: set it to ${what}.`)
  return value
}

function readArguments(argv: readonly string[]): { appId: string | null; message: string } {
  let appId: string | null = null
  const words: string[] = []
  for (let index = 0; index < argv.length; index++) {
    if (argv[index] === "--app") {
      appId = argv[++index] ?? refuse("--app needs an app id after it.")
      if (!ID_PATTERN.test(appId)) refuse(`--app "${appId}" is not an app id (24 lowercase letters and digits): copy it from the app's URL.`)
    } else words.push(argv[index]!)
  }
  return { appId, message: words.join(" ").trim() || DEFAULT_MESSAGE }
}

const url = requiredEnv("SECOND_URL", "Second's public URL, such as https://second.example.com")
const token = requiredEnv("SECOND_TOKEN", "an API token from your Account page (sec_…)")
const workspaceId = requiredEnv("SECOND_WORKSPACE_ID", "the id of the token's workspace (in its URL: /w/<id>)")
if (!ID_PATTERN.test(workspaceId)) refuse("SECOND_WORKSPACE_ID is not a workspace id (24 lowercase letters and digits): copy it from the workspace's URL, /w/<id>.")
const runtimeChoice = process.env["SECOND_RUNTIME"]?.trim() || null
if (runtimeChoice !== null && !(RUNTIME_IDS as readonly string[]).includes(runtimeChoice)) {
  refuse(`SECOND_RUNTIME must be one of ${RUNTIME_IDS.join(", ")}, or unset to use the first usable runtime.`)
}
const { appId: chosenAppId, message } = readArguments(process.argv.slice(2))

let second: ReturnType<typeof createSecondClient>
try {
  second = createSecondClient({ url, token })
} catch (error) {
  const variable = error instanceof SecondClientError && error.option === "url" ? "SECOND_URL" : "SECOND_TOKEN"
  refuse(`${variable}: ${describeSecondError(error)}`)
}

/** One progress line for the events a person would want to see; null for the rest (text arrives at the end). */
function progressLine(event: RunStreamEvent): string | null {
  switch (event.type) {
    case "session.started":
      return `session started (${event.runtime}${event.model ? `, ${event.model}` : ""})`
    case "tool.started":
      return `tool ${event.name}`
    case "tool.result":
      return event.isError ? `tool failed: ${event.output.split("\n")[0]}` : null
    case "file.changed":
      return `file ${event.change}: ${event.path}`
    case "build.finished":
      return `build: ${event.message}`
    case "error":
      return `error: ${event.message}`
    case "turn.completed":
      return `turn ${event.outcome}`
    case "run.settled":
      return `run settled: ${event.status}`
    default:
      return null
  }
}

async function pickRuntime(): Promise<RuntimeId> {
  if (runtimeChoice !== null) return runtimeChoice as RuntimeId
  const usable = (await second.trpc.apps.runtimes.query({ workspaceId })).find((runtime) => runtime.usable)
  if (!usable) throw new Error("No runtime is usable on this Second's worker: see Workspace settings → Runtime, or set SECOND_RUNTIME.")
  return usable.id
}

async function main(): Promise<number> {
  const apps = await second.trpc.apps.list.query({ workspaceId })
  console.log(`Apps in the workspace: ${apps.length}`)
  for (const app of apps) console.log(`  - ${app.name} (${app.id})${app.running ? ", working on a message" : ""}`)

  const target = chosenAppId ?? apps[0]?.id ?? null
  let run
  if (target === null) {
    const created = await second.trpc.apps.create.mutate({ workspaceId, prompt: message, runtime: await pickRuntime() })
    console.log(`Created app "${created.app.name}" (${created.app.id}) with the message: ${message}`)
    run = created.run
  } else {
    run = await second.trpc.runs.send.mutate({ workspaceId, appId: target, prompt: message })
    console.log(`Sent to app ${target}: ${message}`)
  }
  console.log(`Following run ${run.id}`)

  let streamedText = ""
  for await (const event of second.followRun(run.id, { onGap: () => console.log("  · some events were trimmed; the stored run has them all") })) {
    if (event.type === "text.delta") streamedText += event.text
    const line = progressLine(event)
    if (line) console.log(`  · ${line}`)
  }

  // The stored run is final once its stream has ended: its transcript has the whole reply.
  const { runs } = await second.trpc.runs.list.query({ workspaceId, appId: run.appId, limit: 5 })
  const stored = runs.find((candidate) => candidate.id === run.id)
  const replies = (stored?.transcript ?? []).flatMap((part) => (part.kind === "text" ? [part.text] : []))
  const status = stored?.status ?? "unknown"
  console.log(`Status: ${status}`)
  console.log(`Reply: ${(replies.at(-1) ?? streamedText).trim() || "(none)"}`)
  if (stored?.error) console.log(`Error: ${stored.error.message}`)
  return status === "completed" ? 0 : 1
}

try {
  process.exitCode = await main()
} catch (error) {
  console.error(`second-example: ${describeSecondError(error)}`)
  process.exitCode = 1
}
