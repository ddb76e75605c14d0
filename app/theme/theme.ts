// The colour theme a person chose: light, dark, or the system's (no choice stored).

export const THEMES = ["system", "light", "dark"] as const
export type Theme = (typeof THEMES)[number]

export const isTheme = (value: unknown): value is Theme => typeof value === "string" && (THEMES as readonly string[]).includes(value)
