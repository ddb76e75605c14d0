// The app's own agents (agents.json), triggered from its UI. Second starts the run as the person
// using the app (never anyone the app names), and tells this frame each change of its status
// until it ends.
//
//   const { trigger, status, isRunning, error, runId } = useAgent("inbox-triage")
//   <button disabled={isRunning} onClick={() => trigger("Sort today's mail")}>Sort</button>

import { useCallback, useEffect, useRef, useState } from "react"
import { isRecord, onHostPush, request, SecondDataError, start, toError } from "./transport.ts"

/** As agents.json's agent ids: lower-case words joined by "-". */
export const AGENT_ID_PATTERN = /^[a-z][a-z0-9-]{0,47}$/
export const RUN_ID_PATTERN = /^[a-z2-7]{24}$/
export const MAX_AGENT_PROMPT_LENGTH = 20_000

export const AGENT_RUN_STATUSES = ["queued", "running", "completed", "failed", "cancelled"] as const
export type AgentRunStatus = (typeof AGENT_RUN_STATUSES)[number]
/** "idle": nothing triggered yet from this hook. */
export type AgentStatus = "idle" | AgentRunStatus

export interface AgentRunState {
  readonly status: AgentRunStatus
  /** Why the run failed, in words that can be shown; null otherwise. */
  readonly error: string | null
}

const OUTSIDE = "This app's agents run when it runs inside Second."

const isStatus = (value: unknown): value is AgentRunStatus => (AGENT_RUN_STATUSES as readonly unknown[]).includes(value)

/** An agent run's state as Second sent it, or null when the message is not one. */
export function parseAgentRunState(value: unknown): AgentRunState | null {
  if (!isRecord(value) || !isStatus(value["status"])) return null
  const error = value["error"]
  if (error !== null && error !== undefined && typeof error !== "string") return null
  return { status: value["status"], error: typeof error === "string" ? error : null }
}

// The latest update Second pushed per run, so a hook that learns its run id late still has it.
const latest = new Map<string, AgentRunState>()
const updateListeners = new Set<(runId: string, state: AgentRunState) => void>()
const REMEMBERED_RUNS = 50

onHostPush("agentUpdate", (message) => {
  const runId = message["runId"]
  const state = parseAgentRunState(message)
  if (typeof runId !== "string" || !state) return
  latest.delete(runId)
  latest.set(runId, state)
  if (latest.size > REMEMBERED_RUNS) latest.delete(latest.keys().next().value as string)
  for (const listener of [...updateListeners]) listener(runId, state)
})

/** Hears every run update Second pushes; returns the function that stops. */
export function followAgentRuns(listener: (runId: string, state: AgentRunState) => void): () => void {
  start()
  updateListeners.add(listener)
  return () => void updateListeners.delete(listener)
}

/** The calls useAgent makes, for code outside React components. They reject with SecondDataError. */
export const secondAgents = {
  /** Starts a run of the agent with this prompt; resolves to its id. */
  trigger(agentId: string, prompt: string): Promise<{ runId: string }> {
    if (!AGENT_ID_PATTERN.test(agentId)) {
      return Promise.reject(new SecondDataError("BAD_REQUEST", `"${agentId}" is not an agent id: lower-case letters, digits and "-", as in agents.json.`))
    }
    if (prompt.trim() === "" || prompt.length > MAX_AGENT_PROMPT_LENGTH) {
      return Promise.reject(new SecondDataError("BAD_REQUEST", `The prompt must have 1–${MAX_AGENT_PROMPT_LENGTH} characters.`))
    }
    return request<{ runId: string }>("agentTrigger", { agentId, prompt }, { outside: OUTSIDE })
  },
  /** A run's status now. */
  async status(runId: string): Promise<AgentRunState> {
    if (!RUN_ID_PATTERN.test(runId)) throw new SecondDataError("NOT_FOUND", `There is no agent run "${runId}".`)
    const answer = parseAgentRunState(await request<unknown>("agentStatus", { runId }, { outside: OUTSIDE }))
    if (!answer) throw new SecondDataError("ERROR", "Second answered in a shape this app does not understand.")
    return answer
  },
}

export interface AgentState {
  /** Starts a run; resolves to its id, or null when Second refused (then `error` says why). Never throws. */
  trigger(prompt: string): Promise<string | null>
  readonly status: AgentStatus
  /** Queued or running. */
  readonly isRunning: boolean
  readonly error: string | null
  readonly runId: string | null
}

/** One of the app's agents: trigger it, and follow its latest run. */
export function useAgent(agentId: string): AgentState {
  const [runId, setRunId] = useState<string | null>(null)
  const [status, setStatus] = useState<AgentStatus>("idle")
  const [error, setError] = useState<string | null>(null)
  const current = useRef<string | null>(null)

  useEffect(() => {
    current.current = null
    setRunId(null)
    setStatus("idle")
    setError(null)
    return followAgentRuns((updated, state) => {
      if (updated !== current.current) return
      setStatus(state.status)
      setError(state.error)
    })
  }, [agentId])

  const trigger = useCallback(
    async (prompt: string): Promise<string | null> => {
      setError(null)
      try {
        const { runId: started } = await secondAgents.trigger(agentId, prompt)
        current.current = started
        const known = latest.get(started)
        setRunId(started)
        setStatus(known?.status ?? "queued")
        setError(known?.error ?? null)
        return started
      } catch (failure) {
        setError(toError(failure).message)
        return null
      }
    },
    [agentId],
  )

  return { trigger, status, isRunning: status === "queued" || status === "running", error, runId }
}
