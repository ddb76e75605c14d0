// React's way in to a running run's live events: one EventSource per running run, folded with
// live-run.ts. EventSource reconnects by itself with Last-Event-ID; it is closed here once the
// run is settled (run.settled, or the server says the stream ended), so it never reconnects
// forever, and the page's data is reloaded then, once.

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
      if (event.type === "run.settled") finish()
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

/**
 * Reloads the page's data once when the live run ends: by then the web has stored the run as it
 * ended (run.settled comes after that), so one reload shows it. If the stream ended some other way
 * and the run still shows as running, the workspace's run events reload the page when it settles.
 */
export function useRevalidateWhenRunEnds(live: LiveRun | null): void {
  const revalidator = useRevalidator()
  const revalidate = useRef(revalidator.revalidate)
  revalidate.current = revalidator.revalidate
  const endedRunId = live?.phase === "ended" ? live.runId : null

  useEffect(() => {
    if (endedRunId !== null) revalidate.current()
  }, [endedRunId])
}
