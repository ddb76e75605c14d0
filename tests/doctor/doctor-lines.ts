// Helpers for the doctor's tests: run it in-process with a short bound and pick a line by the start
// of its checklist item.

import type { CheckLine } from "#app/doctor/check-line.server.ts"
import { runDoctor, type DoctorReport } from "#app/doctor/run-doctor.server.ts"

export const TIMEOUT_MS = 2_000
/** A token that passes the strength rules (64 hex characters, as `openssl rand -hex 32` makes). */
export const STRONG_TOKEN = "9f2c4e7a1b3d5f60718293a4b5c6d7e8f9a0b1c2d3e4f5061728394a5b6c7d8e"

export interface DoctorRun extends DoctorReport {
  readonly progress: readonly string[]
  line(itemStart: string): CheckLine
  /**
   * One ✗ for one mistake: the checklist line starting `itemStart` fails, or (when the web's
   * parser refused `variable`) the config line does and the checklist line points to it.
   */
  failsOnce(itemStart: string, variable: string): void
}

export async function doctor(env: Record<string, string | undefined>): Promise<DoctorRun> {
  const progress: string[] = []
  const report = await runDoctor(env, { timeoutMs: TIMEOUT_MS, onProgress: (what) => progress.push(what) })
  const line = (itemStart: string): CheckLine => {
    const found = report.lines.find((candidate) => candidate.item.startsWith(itemStart))
    if (!found) throw new Error(`no line starting "${itemStart}" in:\n${report.lines.map((candidate) => candidate.item).join("\n")}`)
    return found
  }
  return {
    ...report,
    progress,
    line,
    failsOnce(itemStart, variable) {
      const checklist = line(itemStart)
      const config = report.lines.find((line) => line.item === `${variable} is valid`)
      const failing = [checklist, config].filter((line) => line?.status === "fail")
      if (failing.length !== 1) throw new Error(`expected one ✗ for ${variable}, got ${failing.length}: ${JSON.stringify([checklist, config])}`)
      if (config?.status === "fail" && !checklist.detail.includes("see its line above")) throw new Error(`"${itemStart}" does not point to ${variable}'s line`)
    },
  }
}

/** A loopback port nothing listens on (a server that was just stopped). */
export const DEAD_URL = "http://127.0.0.1:9"
