// A browser's User-Agent header as people name their browsers: "Chrome on Linux", "Safari on
// iOS". Only the few browsers and systems people use; anything else is "Unknown browser".

export interface BrowserSummary {
  /** "Chrome", "Firefox", ..., or null when the header names no browser we know. */
  readonly browser: string | null
  /** "Windows", "macOS", ..., or null. */
  readonly os: string | null
}

// NOTE: order matters. Most browsers also claim to be the ones they derive from (Edge and Opera
// say "Chrome/… Safari/…", Chrome says "Safari/…"), so the more specific marker is tested first.
const BROWSERS: readonly (readonly [RegExp, string])[] = [
  [/\bEdg(?:e|A|iOS)?\//, "Edge"],
  [/\bOPR\/|\bOPT\/|\bOpera\b/, "Opera"],
  [/\bSamsungBrowser\//, "Samsung Internet"],
  [/\bVivaldi\//, "Vivaldi"],
  [/\bFirefox\/|\bFxiOS\//, "Firefox"],
  // Headless Chrome (automation, screenshots) is still Chrome to the person who started it.
  [/\bHeadlessChrome\/|\bChrome\/|\bCriOS\/|\bChromium\//, "Chrome"],
  [/\bVersion\/[\d.]+.*\bSafari\/|\bAppleWebKit\/.*\bMobile\/\w+$/, "Safari"],
]

const SYSTEMS: readonly (readonly [RegExp, string])[] = [
  [/\biPad\b/, "iPadOS"],
  [/\biPhone\b|\biPod\b/, "iOS"],
  [/\bAndroid\b/, "Android"],
  [/\bCrOS\b/, "ChromeOS"],
  [/\bWindows\b/, "Windows"],
  [/\bMacintosh\b|\bMac OS X\b/, "macOS"],
  [/\bLinux\b|\bX11\b/, "Linux"],
]

const firstMatch = (userAgent: string, table: readonly (readonly [RegExp, string])[]) =>
  table.find(([pattern]) => pattern.test(userAgent))?.[1] ?? null

export function parseUserAgent(userAgent: string): BrowserSummary {
  return { browser: firstMatch(userAgent, BROWSERS), os: firstMatch(userAgent, SYSTEMS) }
}

/** "Chrome on Linux", "Firefox", "Unknown browser on Android", "Unknown browser". */
export function describeUserAgent(userAgent: string): string {
  const { browser, os } = parseUserAgent(userAgent)
  const name = browser ?? "Unknown browser"
  return os ? `${name} on ${os}` : name
}
