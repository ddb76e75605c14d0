// React's way in to a running run's live events: one EventSource per running run, folded with
// live-run.ts. EventSource reconnects by itself with Last-Event-ID; it is closed here once the
// run's turn has completed (or the server says the stream ended), so it never reconnects forever.

import { useRevalidator } from "@remix-run/react"
import { useEffect, useRef, useState } from "react"
import { applyLiveRunInput, parseGapData, parseRunEventData, runEventsUrl, startLiveRun, type LiveRun, type LiveRunInput } from "./live-run.ts"

export type { LiveRun }

/** The live view of `runId` (null when there is no running run, or before the first render in a browser). */
export function useRunEvents(runId: string | null): LiveRun | null {
  const [live, setLive] = useState<LiveRun | null>(null)

  useEffect(() => {
    if (runId === null) return
    setLive(startLiveRun(runId))
    const update = (input: LiveRunInput) =>
      setLive((current) => applyLiveRunInput(current?.runId === runId ? current : startLiveRun(runId), input))

    const source = new EventSource(runEventsUrl(runId))
    const finish = () => {
      source.close()
      update({ kind: "end" })
    }
    source.onopen = () => update({ kind: "open" })
    source.onmessage = (message: MessageEvent<string>) => {
      const event = parseRunEventData(message.data)
      if (!event) return
      update({ kind: "event", event })
      if (event.type === "turn.completed") finish()
    }
    source.addEventListener("gap", (message) => update({ kind: "gap", transcript: parseGapData((message as MessageEvent<string>).data) }))
    source.addEventListener("end", finish)
    // CLOSED: the server answered 204 (already ended) or refused; either way the page's data
    // knows better now. Otherwise EventSource is reconnecting on its own.
    source.onerror = () => (source.readyState === EventSource.CLOSED ? update({ kind: "end" }) : update({ kind: "reconnecting" }))
    return () => source.close()
  }, [runId])

  return live?.runId === runId ? live : null
}

const FIRST_RETRY_MS = 150
const LONGEST_RETRY_MS = 3_000
const MAX_ATTEMPTS = 25

/**
 * While a run's stream has ended but the page's data still says it is running, reloads the data
 * (backing off) until the persisted run arrives. The worker ends the stream a moment before the
 * web records the end, so a single reload right away would often still see "running".
 * `data` is the loader data: each reload yields a new object, which schedules the next check.
 */
export function useRevalidateWhileSettling(settling: boolean, data: unknown): void {
  const revalidator = useRevalidator()
  const revalidate = useRef(revalidator.revalidate)
  revalidate.current = revalidator.revalidate
  const attempts = useRef(0)
  const idle = revalidator.state === "idle"

  useEffect(() => {
    if (!settling) {
      attempts.current = 0
      return
    }
    if (!idle || attempts.current >= MAX_ATTEMPTS) return
    const delay = attempts.current === 0 ? 0 : Math.min(FIRST_RETRY_MS * 2 ** (attempts.current - 1), LONGEST_RETRY_MS)
    const timer = setTimeout(() => {
      attempts.current += 1
      revalidate.current()
    }, delay)
    return () => clearTimeout(timer)
  }, [settling, idle, data])
}
