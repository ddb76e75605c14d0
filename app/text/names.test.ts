import { describe, expect, it } from "vitest"
import { nameFromPrompt, summarizeApp } from "../apps/apps.server.ts"
import type { AppDocument } from "../store/collections.server.ts"
import { nameSchema } from "../trpc/schemas.server.ts"
import { appNameFromPrompt, cleanName, unshowableCharacter } from "./names.ts"

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
    expect(nameFromPrompt("\u202eBuild\u0000 me\u200b a  todo app")).toBe("Todo app")
    expect(nameFromPrompt("\u0000\u202e")).toBe("Untitled app")
  })
})

describe("an app's name from its prompt", () => {
  it.each([
    ["the request's subject, not its opening", "Build me a todo app", "Todo app"],
    ["a polite request", "Hi! Could you please create a simple habit tracker", "Habit tracker"],
    ["the first sentence only", "Make a lunch poll. Everyone votes once a day.\nShow results.", "Lunch poll"],
    ["the first line only", "\n\n  A page listing our lunch spots\nwith a map", "A page listing our lunch spots"],
    ["a request that is all opening", "Build me a", "Build me"],
    ["a prompt that is not a request", "An app where the team keeps shared notes", "An app where the team keeps shared notes"],
  ])("takes %s", (_what, prompt, name) => {
    expect(appNameFromPrompt(prompt)).toBe(name)
  })

  it("cuts a long prompt at a word, without an ellipsis or a dangling word", () => {
    const name = appNameFromPrompt("Create an inventory tracker for the warehouse team with barcode scanning and low stock alerts")
    expect(name).toBe("Inventory tracker for the warehouse team")
    expect(name.length).toBeLessThanOrEqual(40)
    expect(appNameFromPrompt("A dashboard that shows the sales of every store in the")).toBe("A dashboard that shows the sales")
    expect(appNameFromPrompt("A dashboard that shows the sales of every store in the")).not.toMatch(/(…| of)$/)
    expect(appNameFromPrompt("Supercalifragilisticexpialidocious".repeat(3))).toHaveLength(40)
  })

  it("is 'Untitled app' when nothing showable is left", () => {
    expect(appNameFromPrompt("")).toBe("Untitled app")
    expect(appNameFromPrompt("  \n ... ")).toBe("Untitled app")
  })
})

describe("an app named before names from prompts read well", () => {
  const prompt = "Build me a todo app where I can track groceries and split the bill with my flatmates"
  const legacy = (name: string, nameSetBy?: AppDocument["nameSetBy"]) =>
    ({ id: "a", name, ...(nameSetBy ? { nameSetBy } : {}), prompt, collaboratorUserIds: [], runtime: "claude", model: null, activeRunId: null }) as unknown as AppDocument

  it("is shown with the name its prompt gives it now, not the prompt cut off with …", () => {
    expect(summarizeApp(legacy("Build me a todo app where I can track groceries…")).name).toBe("Todo app where I can track groceries")
    expect(summarizeApp(legacy("Build me a todo app where I can track groceries…", "prompt")).name).not.toMatch(/…$/)
  })

  it("keeps a name a person or the agent gave, even one ending in …", () => {
    expect(summarizeApp(legacy("Wait for it…", "user")).name).toBe("Wait for it…")
    expect(summarizeApp(legacy("Loading…", "agent")).name).toBe("Loading…")
  })
})
