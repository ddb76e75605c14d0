import { describe, expect, it } from "vitest"
import { estimateCostUsd, MODEL_PRICES, PRICE_TABLE_DATE, priceKey } from "./price-table.ts"

describe("the price table", () => {
  it("is dated, and prices cached input apart from the rest of the input", () => {
    expect(PRICE_TABLE_DATE).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    // Opus 4.8: $5 per 1M input, $0.50 cached, $25 output.
    expect(estimateCostUsd("claude", "claude-opus-4-8", { inputTokens: 1_000_000, outputTokens: 100_000, cachedInputTokens: 800_000 })).toBe(1 + 0.4 + 2.5)
    expect(estimateCostUsd("codex", "gpt-5.5", { inputTokens: 2_000, outputTokens: 1_000, cachedInputTokens: null })).toBe(0.04)
  })

  it("finds a model however the runtime names it: alias, provider prefix, dated snapshot, the runtime's default", () => {
    expect(priceKey("claude", "opus")).toBe("claude-opus-4-8")
    expect(priceKey("claude", "claude-haiku-4-5-20251001")).toBe("claude-haiku-4-5")
    expect(priceKey("opencode", "anthropic/claude-sonnet-5")).toBe("claude-sonnet-5")
    expect(priceKey("opencode", "openai/gpt-5.5-2026-04-23")).toBe("gpt-5.5")
    expect(priceKey("claude", null)).toBe("claude-opus-4-8")
    expect(priceKey("codex", null)).toBe("gpt-5.5")
    for (const key of ["claude-opus-4-8", "gpt-5.5"]) expect(MODEL_PRICES[key]).toBeDefined()
  })

  it("has no estimate for a model it does not know", () => {
    expect(estimateCostUsd("codex", "gpt-6.2-sol", { inputTokens: 10, outputTokens: 10, cachedInputTokens: 0 })).toBeNull()
    expect(estimateCostUsd("opencode", "google/gemini-9", { inputTokens: 10, outputTokens: 10, cachedInputTokens: 0 })).toBeNull()
  })
})
