import { describe, expect, it } from "vitest"
import { highlightLines, languageOf } from "./highlight.ts"

describe("highlighting", () => {
  it("knows a language by its fence name or a file's extension, and leaves others plain", () => {
    expect(languageOf("tsx")).toBe("typescript")
    expect(languageOf("src/App.tsx")).toBe("typescript")
    expect(languageOf("bash")).toBe("shell")
    expect(languageOf("package.json")).toBe("json")
    expect(languageOf("brainfuck")).toBeNull()
    expect(highlightLines("just <text>", null)).toEqual([{ tokens: [{ className: null, text: "just <text>" }], change: null }])
  })

  it("colours tokens with the design system's code classes, one span per run of a colour", () => {
    const [line] = highlightLines('const name = "Ada"', "typescript")
    expect(line?.tokens).toEqual([
      { className: "text-code-keyword", text: "const" },
      { className: null, text: " name = " },
      { className: "text-code-string", text: '"Ada"' },
    ])
  })

  it("marks a diff's added and removed lines", () => {
    expect(highlightLines("@@ -1 +1 @@\n-old\n+new", "diff").map((line) => line.change)).toEqual([null, "remove", "add"])
  })
})
