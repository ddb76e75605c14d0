import { describe, expect, it } from "vitest"
import { jsonSyntaxError } from "./json-syntax.ts"

describe("jsonSyntaxError", () => {
  it("finds nothing wrong with valid JSON", () => {
    for (const text of ['{"a":[1,-2.5e3,true,false,null,"x\\u00e9\\n"]}', " [ ] ", '"s"', "0"]) {
      expect(JSON.parse(text)).toBeDefined()
      expect(jsonSyntaxError(text)).toBeNull()
    }
  })

  it("points at the first fault by line and column", () => {
    expect(jsonSyntaxError('{\n  "a": 1,\n}')).toBe('unexpected "}" at line 3, column 1')
    expect(jsonSyntaxError("{'a': 1}")).toBe(`unexpected "'" at line 1, column 2`)
    expect(jsonSyntaxError('{"a": 01}')).toBe('unexpected "1" at line 1, column 8')
    expect(jsonSyntaxError('{"a": "b\\x"}')).toBe('unexpected "x" at line 1, column 10')
    expect(jsonSyntaxError('{"a": 1} x')).toBe('unexpected "x" at line 1, column 10')
  })

  it("says when the text ends too early", () => {
    expect(jsonSyntaxError('{"a": [1, 2')).toContain("ends too early")
    expect(jsonSyntaxError('{"a": "b')).toContain("ends too early")
    expect(jsonSyntaxError(" \n")).toBe("the file is empty")
  })
})
