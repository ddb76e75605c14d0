// How usage figures read: dollars with cents (tenths of a cent below one cent, so a cheap turn is
// not "$0.00"), tokens with thousands separators, and what "estimated" means.

const dollars = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 2 })
const smallDollars = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 3, maximumFractionDigits: 4 })
const count = new Intl.NumberFormat("en-US")

export function formatUsd(usd: number): string {
  return usd > 0 && usd < 0.01 ? smallDollars.format(usd) : dollars.format(usd)
}

export const formatCount = (value: number) => count.format(value)

export const ESTIMATED_NOTE =
  "Estimated: the runtime did not report this cost, so it is priced from the price table (or counted as $0 for a model the table does not know)."
