// What scripts/second-example.ts was asked to do, read from its arguments and environment before
// anything is sent: --help, a refusal naming what to fix (exit status 2), or the run to make.
// A module of its own so every case is tested in-process, without a process per case.

import { ID_PATTERN } from "#shared/ids.ts"
import { RUNTIME_IDS, type RuntimeId } from "#shared/runtime/run-event.ts"

export const COMMAND = "npx tsx scripts/second-example.ts"

export const USAGE = `Usage: ${COMMAND} [--app <appId> | --new-app] "message for the builder"

Sends the message to a builder and follows the run to its end: to the app --app names, to a new
app with --new-app, or else to the workspace's first listed app (the one changed last). Prints the
workspace's apps, the run's progress, the builder's reply and how the run ended.

Arguments:
  "message"        what to ask the builder (required; several words are joined into one
                   message; put it after -- when it starts with -)
  --app <appId>    the app to send it to (the id in the app's URL, /w/<workspaceId>/apps/<appId>)
  --new-app        create an app with the message instead of sending it to an existing one
  -h, --help       print this and exit, without calling Second

Variables:
  SECOND_URL           Second's public URL, such as https://second.example.com (required)
  SECOND_TOKEN         an API token from your Account page, sec_… (required)
  SECOND_WORKSPACE_ID  the id of the token's workspace, in its URL: /w/<id> (required)
  SECOND_RUNTIME       ${RUNTIME_IDS.join(", ")}: the runtime of a --new-app (optional; default: the
                       first usable one)

Exit status:
  0  the run completed
  1  the run did not complete, Second refused a call, or no runtime is usable (the line says why)
  2  a variable or argument is missing or wrong (the line names it); nothing was sent
`

const OPTIONS = "--app <appId>, --new-app and --help"

export interface ExampleRequest {
  readonly url: string
  readonly token: string
  readonly workspaceId: string
  readonly appId: string | null
  readonly newApp: boolean
  readonly message: string
  readonly runtime: RuntimeId | null
}

export type ExampleInput = { readonly kind: "help" } | { readonly kind: "refused"; readonly message: string } | ({ readonly kind: "run" } & ExampleRequest)

/** Bad input, named: becomes one line and exit status 2. */
class Refusal extends Error {}
const refuse = (message: string): never => {
  throw new Refusal(message)
}

function requiredEnv(env: Readonly<Record<string, string | undefined>>, name: string, what: string): string {
  const value = env[name]?.trim()
  if (!value) refuse(`${name} is not set: set it to ${what}.`)
  return value!
}

function readAppId(value: string | undefined): string {
  if (value === undefined || value === "") refuse("--app needs an app id after it.")
  if (!ID_PATTERN.test(value!)) refuse(`--app "${value}" is not an app id (24 lowercase letters and digits): copy it from the app's URL.`)
  return value!
}

function readArguments(argv: readonly string[]): Pick<ExampleRequest, "appId" | "newApp" | "message"> | "help" {
  let appId: string | null = null
  let newApp = false
  const words: string[] = []
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!
    if (argument === "--") {
      words.push(...argv.slice(index + 1))
      break
    }
    if (argument === "--help" || argument === "-h") return "help"
    if (argument === "--app") appId = readAppId(argv[++index])
    else if (argument.startsWith("--app=")) appId = readAppId(argument.slice("--app=".length))
    else if (argument === "--new-app") newApp = true
    else if (argument.startsWith("-") && argument !== "-") {
      refuse(`unknown option "${argument.slice(0, 60)}": the options are ${OPTIONS} (a message that starts with - goes after --).`)
    } else words.push(argument)
  }
  if (appId !== null && newApp) refuse("give either --app <appId> or --new-app, not both.")
  const message = words.join(" ").trim()
  if (message === "") refuse(`Give the message for the builder as the last argument, e.g. ${COMMAND} "Add a footer with today's date" (--help for more).`)
  return { appId, newApp, message }
}

/** The arguments first: --help needs no variable, and bad arguments are named before anything else. */
export function readExampleInput(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ExampleInput {
  try {
    const parsed = readArguments(argv)
    if (parsed === "help") return { kind: "help" }
    const url = requiredEnv(env, "SECOND_URL", "Second's public URL, such as https://second.example.com")
    const token = requiredEnv(env, "SECOND_TOKEN", "an API token from your Account page (sec_…)")
    const workspaceId = requiredEnv(env, "SECOND_WORKSPACE_ID", "the id of the token's workspace (in its URL: /w/<id>)")
    if (!ID_PATTERN.test(workspaceId)) refuse("SECOND_WORKSPACE_ID is not a workspace id (24 lowercase letters and digits): copy it from the workspace's URL, /w/<id>.")
    const runtime = env["SECOND_RUNTIME"]?.trim() || null
    if (runtime !== null && !(RUNTIME_IDS as readonly string[]).includes(runtime)) {
      refuse(`SECOND_RUNTIME must be one of ${RUNTIME_IDS.join(", ")}, or unset to use the first usable runtime.`)
    }
    return { kind: "run", url, token, workspaceId, runtime: runtime as RuntimeId | null, ...parsed }
  } catch (error) {
    if (error instanceof Refusal) return { kind: "refused", message: error.message }
    throw error
  }
}
