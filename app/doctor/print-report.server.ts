// Turns the doctor's lines into text for a terminal: ✓ passed, ✗ failed (with the fix under it),
// – skipped (with why), and a summary. Every secret value is masked on the way out, whatever a
// check or a driver error put in a message.

import type { CheckLine, LineStatus } from "./check-line.server.ts"
import { redact } from "./redact.server.ts"
import type { DoctorReport } from "./run-doctor.server.ts"

const MARKS: Readonly<Record<LineStatus, string>> = { pass: "✓", fail: "✗", skip: "–" }

export function formatLine(line: CheckLine): string {
  const head = `${MARKS[line.status]} ${line.item}: ${line.detail}`
  return line.fix === undefined ? head : `${head}\n    fix: ${line.fix}`
}

export function formatReport(report: DoctorReport): string {
  const count = (status: LineStatus) => report.lines.filter((line) => line.status === status).length
  const mode = report.production ? "NODE_ENV=production" : "NODE_ENV is not production: single-machine defaults are skipped, not failed"
  const text = [
    `Second doctor: this deployment against the production checklist (${mode})`,
    "",
    ...report.lines.map(formatLine),
    "",
    `${count("pass")} passed, ${count("fail")} failed, ${count("skip")} skipped.${count("fail") > 0 ? " Fix the ✗ lines and run `npm run doctor` again." : ""}`,
  ].join("\n")
  return redact(text, report.secretValues)
}

/** Progress goes to stderr, so the report on stdout stays clean when piped. */
export const progressPrinter = (write: (text: string) => void) => (waitingOn: string) => write(`… waiting on ${waitingOn}\n`)
