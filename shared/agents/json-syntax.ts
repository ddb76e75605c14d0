// Where a JSON text stops being JSON, as a line and column. Engines word JSON.parse errors
// differently and recent V8 gives no position for most of them (but echoes the whole text), so the
// first fault is located here instead, for a message the builder can act on.

/** `null` when `text` is valid JSON; otherwise what is wrong and where. Call only after JSON.parse failed. */
export function jsonSyntaxError(text: string): string | null {
  const scanner = new Scanner(text)
  try {
    scanner.value()
    scanner.space()
    if (scanner.index < text.length) scanner.fail()
    return null
  } catch (error) {
    if (!(error instanceof SyntaxFault)) return "it is nested too deeply or otherwise unreadable"
    if (text.trim() === "") return "the file is empty"
    if (error.index >= text.length) return "it ends too early (a bracket, brace or quote is not closed)"
    const before = text.slice(0, error.index)
    const line = before.split("\n").length
    const column = error.index - before.lastIndexOf("\n")
    return `unexpected ${JSON.stringify(text.charAt(error.index))} at line ${line}, column ${column}`
  }
}

class SyntaxFault {
  constructor(readonly index: number) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"])

class Scanner {
  index = 0
  constructor(private readonly text: string) {}

  fail(): never {
    throw new SyntaxFault(this.index)
  }

  space(): void {
    while (/[ \t\n\r]/.test(this.text.charAt(this.index))) this.index++
  }

  expect(char: string): void {
    if (this.text.charAt(this.index) !== char) this.fail()
    this.index++
  }

  value(): void {
    this.space()
    const char = this.text.charAt(this.index)
    if (char === "{") return this.members("}", () => {
      this.space()
      this.string()
      this.space()
      this.expect(":")
      this.value()
    })
    if (char === "[") return this.members("]", () => this.value())
    if (char === '"') return this.string()
    for (const word of ["true", "false", "null"]) {
      if (this.text.startsWith(word, this.index)) {
        this.index += word.length
        return
      }
    }
    NUMBER.lastIndex = this.index
    if (!NUMBER.test(this.text)) this.fail()
    this.index = NUMBER.lastIndex
  }

  private members(close: string, member: () => void): void {
    this.index++
    this.space()
    if (this.text.charAt(this.index) === close) {
      this.index++
      return
    }
    for (;;) {
      member()
      this.space()
      const char = this.text.charAt(this.index)
      if (char === close) {
        this.index++
        return
      }
      this.expect(",")
    }
  }

  private string(): void {
    this.expect('"')
    for (;;) {
      if (this.index >= this.text.length) this.fail()
      const char = this.text.charAt(this.index)
      if (char === '"') {
        this.index++
        return
      }
      if (char < " ") this.fail()
      if (char === "\\") {
        this.index++
        const escape = this.text.charAt(this.index)
        if (escape === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.index + 1, this.index + 5))) this.fail()
          this.index += 4
        } else if (!ESCAPES.has(escape)) this.fail()
      }
      this.index++
    }
  }
}
