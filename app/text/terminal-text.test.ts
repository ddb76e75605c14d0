import { describe, expect, it } from "vitest"
import { withoutTerminalCodes } from "./terminal-text.ts"

describe("withoutTerminalCodes", () => {
  it("drops colour, cursor and title codes and keeps the text", () => {
    expect(withoutTerminalCodes("\u001b[31mred\u001b[0m and \u001b[1;32mbold green\u001b[m")).toBe("red and bold green")
    expect(withoutTerminalCodes("\u001b[2K\u001b[1Gprogress 50%")).toBe("progress 50%")
    expect(withoutTerminalCodes("\u001b]0;title\u0007done")).toBe("done")
  })

  it("leaves ordinary text, brackets and newlines alone", () => {
    expect(withoutTerminalCodes("[31m is not a code without ESC\nline 2")).toBe("[31m is not a code without ESC\nline 2")
  })
})
