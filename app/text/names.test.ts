import { describe, expect, it } from "vitest"
import { nameFromPrompt } from "../apps/apps.server.ts"
import { nameSchema } from "../trpc/schemas.server.ts"
import { cleanName, unshowableCharacter } from "./names.ts"

describe("names", () => {
  it.each([
    ["a NUL", "Acme\u0000", "U+0000"],
    ["an escape sequence", "\u001b[31mRed", "U+001B"],
    ["a C1 control", "Acme\u0085", "U+0085"],
    ["a right-to-left override", "\u202egnp.exe", "U+202E"],
    ["a left-to-right isolate", "a\u2066b", "U+2066"],
    ["a zero-width space", "Ac\u200bme", "U+200B"],
    ["a byte-order mark", "\ufeffAcme", "U+FEFF"],
    ["a line separator", "Ac\u2028me", "U+2028"],
    ["a lone high surrogate", "Acme\ud800", "a lone UTF-16 surrogate"],
    ["a lone low surrogate", "\udc00Acme", "a lone UTF-16 surrogate"],
  ])("refuses %s, saying which character", (_what, value, character) => {
    expect(unshowableCharacter(value)).toBe(character)
    const parsed = nameSchema("name").safeParse(value)
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]?.message).toBe(`name must not contain ${character}: control, invisible and text-direction characters are not allowed`)
  })

  it.each([
    ["any script", "Équipe 東京 фирма"],
    ["emoji joined with zero-width joiners", "👩‍💻 builders"],
    ["a flag made of tag characters", "🏴󠁧󠁢󠁳󠁣󠁴󠁿 office"],
    ["a Persian name with a zero-width non-joiner", "می‌خواهم"],
  ])("keeps %s", (_what, value) => {
    expect(unshowableCharacter(value)).toBeNull()
    expect(nameSchema("name").parse(value)).toBe(value)
  })

  it("stores one form of each name: NFC, trimmed", () => {
    expect(nameSchema("name").parse("  Cafe\u0301  ")).toBe("Café")
    expect(nameSchema("name").parse("Cafe\u0301")).toBe(nameSchema("name").parse("Caf\u00e9"))
  })

  it("makes a showable name out of text nobody typed as one", () => {
    expect(cleanName("\u202egnp.exe\u0000 and\tmore\nlines\ud800", 80)).toBe("gnp.exe and more lines")
    expect(cleanName("👩‍💻", 80)).toBe("👩‍💻")
    expect(nameFromPrompt("\u202eBuild\u0000 me\u200b a  todo app")).toBe("Build me a todo app")
    expect(nameFromPrompt("\u0000\u202e")).toBe("Untitled app")
  })
})
