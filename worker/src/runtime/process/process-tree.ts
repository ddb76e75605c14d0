// Finding and stopping every process a runtime started. Runtimes run in their own process group;
// descendants that moved to another group are found through /proc's parent links, so a signal
// reaches the whole tree. (Inside bubblewrap, the PID namespace makes this airtight.)

import { readdirSync, readFileSync } from "node:fs"

interface ProcStat {
  readonly pid: number
  readonly ppid: number
  readonly state: string
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8")
    // The command name is in parentheses and may contain spaces: parse after the last ")".
    const rest = text.slice(text.lastIndexOf(")") + 2).split(" ")
    return { pid, state: rest[0] ?? "?", ppid: Number(rest[1]) }
  } catch {
    return null
  }
}

/** Every live descendant of `root` (children, their children, ...), not `root` itself. */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>()
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    const stat = readStat(Number(entry))
    if (!stat || stat.state === "Z") continue
    const siblings = children.get(stat.ppid) ?? []
    siblings.push(stat.pid)
    children.set(stat.ppid, siblings)
  }
  const found: number[] = []
  const pending = [...(children.get(root) ?? [])]
  while (pending.length > 0) {
    const pid = pending.pop()!
    found.push(pid)
    pending.push(...(children.get(pid) ?? []))
  }
  return found
}

/** Alive and not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  const stat = readStat(pid)
  return stat !== null && stat.state !== "Z"
}

function signal(pid: number, name: NodeJS.Signals) {
  try {
    process.kill(pid, name)
  } catch {
    // Already gone.
  }
}

/** Sends a signal to the group led by `leader` and to every descendant, wherever it went. */
export function signalTree(leader: number, name: NodeJS.Signals, knownDescendants: readonly number[] = []): void {
  const targets = new Set([...knownDescendants, ...descendantsOf(leader)])
  signal(-leader, name)
  for (const pid of targets) signal(pid, name)
}

/**
 * Stops the group and every descendant, rescanning until the tree stops growing: a stopped
 * process cannot fork, so the set found is the whole tree. Returns every pid found.
 */
export function freezeTree(leader: number, known: readonly number[] = []): number[] {
  const found = new Set(known)
  for (let round = 0; round < 5; round += 1) {
    const before = found.size
    for (const pid of descendantsOf(leader)) found.add(pid)
    signal(-leader, "SIGSTOP")
    for (const pid of found) signal(pid, "SIGSTOP")
    if (round > 0 && found.size === before) break
  }
  return [...found]
}
