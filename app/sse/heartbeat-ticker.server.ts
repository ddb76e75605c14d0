// One timer for every open stream's heartbeat, instead of one per stream: with thousands of idle
// subscribers per process, a timer each costs memory and a wake-up each. The streams are spread
// over slots by when they joined, so each still beats once per period (its first beat comes
// within one period of joining) and the periodic work (a heartbeat, an access re-check that hits
// the store) stays spread over the period as it was with a timer each, not all at one instant.

export interface Beating {
  /** Called once per period while joined. */
  beat(): void
}

export interface HeartbeatTicker {
  join(member: Beating): void
  leave(member: Beating): void
}

/** Slots per period: one second apart for the production period (15 s); one slot below 2 s. */
const slotsFor = (periodMs: number) => Math.max(1, Math.min(15, Math.floor(periodMs / 1000)))

const tickers = new Map<number, HeartbeatTicker>()

/** The process's ticker for `periodMs` (tests use short periods; each period has its own). */
export function heartbeatTicker(periodMs: number): HeartbeatTicker {
  let ticker = tickers.get(periodMs)
  if (!ticker) {
    ticker = createTicker(periodMs)
    tickers.set(periodMs, ticker)
  }
  return ticker
}

function createTicker(periodMs: number): HeartbeatTicker {
  const slots: Set<Beating>[] = Array.from({ length: slotsFor(periodMs) }, () => new Set())
  let current = 0
  let members = 0
  let timer: NodeJS.Timeout | null = null

  const tick = () => {
    current = (current + 1) % slots.length
    // A copy: a beat may end its stream, which leaves the ticker.
    for (const member of [...slots[current]!]) {
      try {
        member.beat()
      } catch {
        // One stream's failure must not stop the others' heartbeats.
      }
    }
  }

  return {
    join(member) {
      // The slot served last comes round again one whole period from now.
      slots[current]!.add(member)
      members += 1
      if (timer === null) {
        timer = setInterval(tick, periodMs / slots.length)
        // Heartbeats never keep the process alive.
        timer.unref()
      }
    },
    leave(member) {
      for (const slot of slots) {
        if (!slot.delete(member)) continue
        members -= 1
        if (members === 0 && timer !== null) {
          clearInterval(timer)
          timer = null
        }
        return
      }
    },
  }
}
