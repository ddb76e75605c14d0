import { describe, expect, it } from "vitest"
import { sendsMessage } from "./chat-composer.tsx"
import { followsAfterScroll } from "./use-follow-output.ts"

const key = (key: string, extra: { shiftKey?: boolean; altKey?: boolean; keyCode?: number; isComposing?: boolean } = {}) => ({
  key,
  shiftKey: extra.shiftKey ?? false,
  altKey: extra.altKey ?? false,
  keyCode: extra.keyCode ?? (key === "Enter" ? 13 : 0),
  nativeEvent: { isComposing: extra.isComposing ?? false },
})

describe("the message box's keys", () => {
  it("send on Enter, and make a new line on Shift+Enter", () => {
    expect(sendsMessage(key("Enter"))).toBe(true)
    expect(sendsMessage(key("Enter", { shiftKey: true }))).toBe(false)
    expect(sendsMessage(key("a"))).toBe(false)
  })

  it("never send while an input method composes a character (Japanese, Chinese, Korean…)", () => {
    expect(sendsMessage(key("Enter", { isComposing: true }))).toBe(false)
    // Safari's keydown that ends a composition.
    expect(sendsMessage(key("Enter", { keyCode: 229 }))).toBe(false)
  })
})

describe("following the output", () => {
  const at = (scrollTop: number) => ({ scrollTop, clientHeight: 500, scrollHeight: 2_000 })

  it("stops when the person scrolls up, and resumes at the bottom", () => {
    expect(followsAfterScroll(true, 1_500, at(1_200))).toBe(false)
    expect(followsAfterScroll(false, 1_200, at(1_300))).toBe(false)
    expect(followsAfterScroll(false, 1_300, at(1_480))).toBe(true)
  })

  it("keeps following while a jump to the latest is on its way down", () => {
    expect(followsAfterScroll(true, 200, at(900))).toBe(true)
  })
})
