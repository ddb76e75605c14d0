// What the doctor says about one line of the production checklist: passed, failed (with the fix),
// or skipped because it does not apply here (with why). Checks return these; the printer shows them.

export type LineStatus = "pass" | "fail" | "skip"

export interface CheckLine {
  readonly status: LineStatus
  /** The checklist line in a few words: "Redis reachable (REDIS_URL)". */
  readonly item: string
  /** What was found; never a secret value. */
  readonly detail: string
  /** What to do about a failure (fails only). */
  readonly fix?: string
}

export const pass = (item: string, detail: string): CheckLine => ({ status: "pass", item, detail })
export const fail = (item: string, detail: string, fix: string): CheckLine => ({ status: "fail", item, detail, fix })
export const skip = (item: string, why: string): CheckLine => ({ status: "skip", item, detail: why })

/** A single-machine default: fine outside production, a failure under NODE_ENV=production. */
export const productionOnly = (production: boolean, item: string, detail: string, fix: string): CheckLine =>
  production ? fail(item, detail, fix) : skip(item, `${detail} (fine outside production; under NODE_ENV=production this fails)`)
