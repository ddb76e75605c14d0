// The days a usage report covers: `from` and `to` as UTC days (yyyy-mm-dd), both included, at most
// MAX_USAGE_RANGE_DAYS of them; by default the last DEFAULT_USAGE_RANGE_DAYS ending today. Shared
// by the usage procedures, the CSV route and the Usage page's form.

export const MAX_USAGE_RANGE_DAYS = 366
export const DEFAULT_USAGE_RANGE_DAYS = 30
export const USAGE_GROUPS = ["day", "app", "person", "runtime"] as const
export type UsageGroup = (typeof USAGE_GROUPS)[number]

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/
const DAY_MS = 86_400_000

/** The UTC day of an instant. */
export const utcDay = (at: Date | string) => (typeof at === "string" ? new Date(at) : at).toISOString().slice(0, 10)

/** Whether the text is a real calendar day in yyyy-mm-dd (2026-02-30 is not). */
export function isUsageDay(text: string): boolean {
  if (!DAY_PATTERN.test(text)) return false
  const parsed = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(parsed.getTime()) && utcDay(parsed) === text
}

const addDays = (day: string, count: number) => utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + count * DAY_MS))

export interface UsageRange {
  readonly from: string
  readonly to: string
  /** Every day of the range, oldest first. */
  readonly days: readonly string[]
}

/** The range asked for, or what is wrong with it in words a person can act on. */
export function usageRange(input: { from?: string | undefined; to?: string | undefined }, now: Date = new Date()): { ok: true; range: UsageRange } | { ok: false; message: string } {
  for (const [name, value] of [["from", input.from], ["to", input.to]] as const) {
    if (value !== undefined && !isUsageDay(value)) return { ok: false, message: `${name} must be a day written yyyy-mm-dd (such as 2026-03-01), not "${value.slice(0, 40)}".` }
  }
  const to = input.to ?? (input.from ? minDay(addDays(input.from, DEFAULT_USAGE_RANGE_DAYS - 1), utcDay(now)) : utcDay(now))
  const from = input.from ?? addDays(to, -(DEFAULT_USAGE_RANGE_DAYS - 1))
  if (from > to) return { ok: false, message: `from (${from}) must not be after to (${to}).` }
  const count = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1
  if (count > MAX_USAGE_RANGE_DAYS) return { ok: false, message: `The range covers ${count} days; pick at most ${MAX_USAGE_RANGE_DAYS}.` }
  return { ok: true, range: { from, to, days: Array.from({ length: count }, (_, index) => addDays(from, index)) } }
}

const minDay = (a: string, b: string) => (a < b ? a : b)
