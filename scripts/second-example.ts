// An example script using the typed client (app/client/second-client.ts) with an API token: lists
// the workspace's apps, sends your message to a builder (of the app --app names, of a new app with
// --new-app, or else of the app changed last), follows the run's events to the end, and
// prints the builder's reply and how the run ended. `--help` prints the usage below.
//
//   SECOND_URL=https://second.example.com SECOND_TOKEN=sec_… SECOND_WORKSPACE_ID=… \
//     npx tsx scripts/second-example.ts [--app <appId> | --new-app] "message for the builder"
//
// Optional: SECOND_RUNTIME (claude, codex or opencode) for --new-app; by default the first usable.
// Exit status: 0 when the run completed, 1 when it did not or Second refused a call, 2 for bad input.

import { createSecondClient, describeSecondError, isWorkspaceNotFound, SecondClientError, type RunStreamEvent } from "#app/client/second-client.ts"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { runtimeLabel } from "#shared/runtime/runtime-labels.ts"
import { readExampleInput, USAGE } from "./second-example-input.ts"

/** Bad input: one line naming what to fix, exit status 2. */
function refuse(message: string): never {
  console.error(`second-example: ${message}`)
  process.exit(2)
}

/** Second's state stops the script before it sends anything: one line saying why, exit status 1. */
class Stopped extends Error {}

const input = readExampleInput(process.argv.slice(2), process.env)
if (input.kind === "help") {
  await new Promise<void>((written) => process.stdout.write(USAGE, () => written()))
  process.exit(0)
}
if (input.kind === "refused") refuse(input.message)
const { url, token, workspaceId, appId: chosenAppId, newApp, message, runtime: runtimeChoice } = input

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

/** A runtime's state in a few words: "Codex (codex): no provider key is configured: set …". */
const describeRuntime = (runtime: { readonly id: RuntimeId; readonly reason: string | null }) =>
  `${runtimeLabel(runtime.id)} (${runtime.id}): ${(runtime.reason ?? "not usable").replace(/\.$/, "")}`

/** The runtime for a new app, checked usable on the worker before anything is created. */
async function pickRuntime(): Promise<RuntimeId> {
  const runtimes = await second.trpc.apps.runtimes.query({ workspaceId })
  const usable = runtimes.filter((runtime) => runtime.usable)
  const chosen = runtimeChoice === null ? usable[0] : runtimes.find((runtime) => runtime.id === runtimeChoice)
  if (chosen?.usable) return chosen.id
  if (usable.length === 0) {
    throw new Stopped(
      `No runtime is usable on this Second's worker, so no app was created: ${runtimes.map(describeRuntime).join("; ")}. ` +
        "The worker needs a runtime's CLI and a provider key for it (such as ANTHROPIC_API_KEY for Claude Code); a workspace admin sees this under Workspace settings → Runtime.",
    )
  }
  const why = chosen ? describeRuntime(chosen) : `${runtimeChoice}: not reported by the worker`
  refuse(
    `SECOND_RUNTIME=${runtimeChoice} is not usable on this Second's worker (${why}), so no app was created. ` +
      `Usable here: ${usable.map((runtime) => runtime.id).join(", ")}: set SECOND_RUNTIME to one of them or unset it, or give that runtime a provider key on the worker.`,
  )
}

/** For "Workspace not found": the token's own workspace (tokens may list it), to set SECOND_WORKSPACE_ID to. */
async function workspaceHint(): Promise<string> {
  const own = await second.trpc.workspaces.list.query().catch(() => null)
  if (own?.length === 1) return ` This token is for the workspace "${own[0]!.name}": set SECOND_WORKSPACE_ID=${own[0]!.id}.`
  return " Check SECOND_WORKSPACE_ID: it must be the id of the workspace the token was made in."
}

async function main(): Promise<number> {
  const apps = await second.trpc.apps.list.query({ workspaceId })
  console.log(`Apps in the workspace: ${apps.length}`)
  for (const app of apps) console.log(`  - ${app.name} (${app.id})${app.running ? ", working on a message" : ""}`)

  if (chosenAppId !== null && !apps.some((app) => app.id === chosenAppId)) {
    refuse(`--app ${chosenAppId} is not an app of this workspace: give one of the ids listed above, or --new-app to create one.`)
  }
  const target = newApp ? null : (chosenAppId ?? apps[0]?.id ?? null)
  if (target === null && !newApp) refuse("the workspace has no app yet: add --new-app to create one with this message.")
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
  const hint = isWorkspaceNotFound(error) ? await workspaceHint() : ""
  console.error(`second-example: ${error instanceof Stopped ? error.message : describeSecondError(error)}${hint}`)
  process.exitCode = 1
}
