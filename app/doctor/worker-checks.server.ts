// Checklist: INTERNAL_API_TOKEN is the same on web and worker; at least one runtime is usable;
// OpenCode supports `run --format json`; provider credentials are configured; bubblewrap is present.
// Everything but the token comes from the worker's own report, so it describes the worker's
// machine, not this one.

import { OPENCODE_WITHOUT_JSON_REASON, type RuntimesReport } from "#shared/runs/internal-api.ts"
import { fail, pass, skip, type CheckLine } from "./check-line.server.ts"
import type { WorkerProbe } from "./worker-probe.server.ts"
import { workerLabel, type DoctorWorker } from "./worker-registry-checks.server.ts"

type RuntimeReport = RuntimesReport["runtimes"][number]

const SAME_TOKEN = "INTERNAL_API_TOKEN is the same on web and worker"
const SAME_TOKEN_FIX = "Set INTERNAL_API_TOKEN to one value in the environment of both the web and the worker, and restart both."

export function sameTokenLine(probe: WorkerProbe, worker: DoctorWorker, webHasToken: boolean): CheckLine {
  const at = workerLabel(worker)
  // A registered worker is called at the URL it announces: its own SECOND_WORKER_URL is what to fix.
  const where = worker.announcement === null
    ? "Check WORKER_URL (the worker's address on the private network, e.g. http://worker:3001)"
    : `Check ${worker.announcement.name}'s SECOND_WORKER_URL (the address it announces; the web must reach it there)`
  switch (probe.kind) {
    case "unreachable":
      return fail(SAME_TOKEN, `${at} did not answer (${probe.reason})`, `${where} and that the worker runs.`)
    case "unexpected":
      return fail(SAME_TOKEN, `${at} could not be asked: ${probe.reason}`, `${where}, and that web and worker run the same version.`)
    case "refused-token":
      return fail(
        SAME_TOKEN,
        webHasToken ? `${at} refused the web's token (401): the two INTERNAL_API_TOKEN values differ` : `${at} requires a token, but the web has none`,
        SAME_TOKEN_FIX,
      )
    case "answered":
      if (!probe.checksTokens) {
        return fail(SAME_TOKEN, `${at} accepts any token: it has no INTERNAL_API_TOKEN of its own`, SAME_TOKEN_FIX)
      }
      if (!webHasToken) return fail(SAME_TOKEN, `the web has no INTERNAL_API_TOKEN`, SAME_TOKEN_FIX)
      return pass(SAME_TOKEN, `${at} accepted the web's token (and refused a made-up one)`)
  }
}

/**
 * Every worker's lines folded into one line per item: a failure of any worker is the item's
 * failure, and its detail names every failing worker; one worker alone reads as it always did.
 */
export function workerLines(probes: ReadonlyArray<{ readonly worker: DoctorWorker; readonly probe: WorkerProbe }>, webHasToken: boolean): CheckLine[] {
  const perWorker = probes.map(({ worker, probe }) => [
    sameTokenLine(probe, worker, webHasToken),
    ...runtimeLines(probe).map((line) => (probes.length === 1 ? line : { ...line, detail: `${workerLabel(worker)}: ${line.detail}` })),
  ])
  if (perWorker.length === 1) return perWorker[0]!
  return (perWorker[0] ?? []).map((first, index) => {
    const lines = perWorker.map((lines) => lines[index] ?? first)
    for (const status of ["fail", "pass", "skip"] as const) {
      const matching = lines.filter((line) => line.status === status)
      if (matching.length === 0) continue
      const detail = matching.map((line) => line.detail).join("; ")
      if (status !== "fail") return { ...matching[0]!, detail }
      const fixes = [...new Set(matching.map((line) => line.fix).filter((fix): fix is string => fix !== undefined))]
      return { ...matching[0]!, detail, fix: fixes.join(" ") }
    }
    return first
  })
}

/** With SECOND_WORKER_DISCOVERY=redis and no worker found there, the worker lines say so. */
export const noRegisteredWorkerLines = (why: string): CheckLine[] => [
  fail(SAME_TOKEN, why, "Start the workers with the same REDIS_URL as the web (they register there), or list them in WORKER_URL."),
  ...Object.values(RUNTIME_ITEMS).map((item) => skip(item, "no worker to ask (see the line above)")),
]

const RUNTIME_ITEMS = {
  usable: "At least one runtime (claude, codex or opencode) usable on the worker",
  opencodeJson: "OpenCode supports `opencode run --format json`",
  credentials: "Provider credentials configured for the runtimes you enable",
  bubblewrap: "Bubblewrap (bwrap) present on the worker",
} as const

/** Lines that need the worker's report; each says why it was skipped when there is none. */
/** Every worker line skipped, for why (say, no separate worker to ask). */
export const workerLinesSkipped = (why: string): CheckLine[] => [skip(SAME_TOKEN, why), ...Object.values(RUNTIME_ITEMS).map((item) => skip(item, why))]

export function runtimeLines(probe: WorkerProbe): CheckLine[] {
  if (probe.kind !== "answered") {
    const why = "needs the worker's authenticated /runtimes report (see the INTERNAL_API_TOKEN line)"
    return Object.values(RUNTIME_ITEMS).map((item) => skip(item, why))
  }
  const { runtimes, sandbox } = probe.report
  return [usableLine(runtimes), opencodeJsonLine(runtimes), credentialsLine(runtimes), bubblewrapLine(sandbox)]
}

const named = (runtime: RuntimeReport) => (runtime.version ? `${runtime.id} (${runtime.version})` : runtime.id)
/** Installed = found and answering --version. */
const installed = (runtime: RuntimeReport) => runtime.version !== null

function usableLine(runtimes: readonly RuntimeReport[]): CheckLine {
  const usable = runtimes.filter((runtime) => runtime.usable)
  if (usable.length > 0) return pass(RUNTIME_ITEMS.usable, `usable: ${usable.map(named).join(", ")}`)
  const reasons = runtimes.map((runtime) => `${runtime.id}: ${runtime.reason ?? "not usable"}`).join("; ")
  return fail(RUNTIME_ITEMS.usable, `none is usable (${reasons})`, "Install a runtime in the worker image (see runtimes/) or set SECOND_CLAUDE_PATH / SECOND_CODEX_PATH / SECOND_OPENCODE_PATH, and set its provider key on the worker.")
}

/** The worker's detection gives this exact reason (the report has no separate field for it). */
const lacksJsonOutput = (runtime: RuntimeReport) => runtime.reason === OPENCODE_WITHOUT_JSON_REASON

function opencodeJsonLine(runtimes: readonly RuntimeReport[]): CheckLine {
  const opencode = runtimes.find((runtime) => runtime.id === "opencode")
  if (opencode === undefined || !installed(opencode)) return skip(RUNTIME_ITEMS.opencodeJson, "OpenCode is not installed on the worker")
  if (lacksJsonOutput(opencode)) {
    return fail(RUNTIME_ITEMS.opencodeJson, `OpenCode ${opencode.version} has no \`run --format json\``, "Upgrade OpenCode on the worker to a version whose `opencode run --help` lists --format json.")
  }
  return pass(RUNTIME_ITEMS.opencodeJson, `OpenCode ${opencode.version}`)
}

function credentialsLine(runtimes: readonly RuntimeReport[]): CheckLine {
  const present = runtimes.filter(installed)
  if (present.length === 0) return skip(RUNTIME_ITEMS.credentials, "no runtime is installed on the worker (see the line above)")
  const withKeys = present.filter((runtime) => runtime.credentialsConfigured)
  const without = present.filter((runtime) => !runtime.credentialsConfigured).map((runtime) => runtime.id)
  if (withKeys.length === 0) {
    return fail(
      RUNTIME_ITEMS.credentials,
      `no installed runtime has a provider key (${without.join(", ")})`,
      "Set the worker's provider key for the runtimes you use: ANTHROPIC_API_KEY (claude), CODEX_API_KEY or OPENAI_API_KEY (codex), OPENAI_API_KEY / ANTHROPIC_API_KEY / GOOGLE_API_KEY (opencode).",
    )
  }
  const rest = without.length > 0 ? `; without a key, so not enabled: ${without.join(", ")}` : ""
  return pass(RUNTIME_ITEMS.credentials, `keys present for ${withKeys.map((runtime) => runtime.id).join(", ")}${rest}`)
}

function bubblewrapLine(sandbox: RuntimesReport["sandbox"]): CheckLine {
  if (sandbox.mode === "bubblewrap") return pass(RUNTIME_ITEMS.bubblewrap, "runtimes run inside bubblewrap")
  return fail(
    RUNTIME_ITEMS.bubblewrap,
    `runtimes run without bubblewrap; a runtime's shell can reach ${sandbox.missingProtections.length} things it should not`,
    "Install bubblewrap in the worker image (apt-get install bubblewrap) and let it create user namespaces; keep it in custom worker images.",
  )
}
