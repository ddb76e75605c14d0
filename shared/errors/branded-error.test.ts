import { describe, expect, it } from "vitest"
import { brandedErrorClass } from "./branded-error.ts"

describe("branded error classes", () => {
  it("recognise instances made by another copy of the same class, and nothing else", () => {
    const First = brandedErrorClass("Sample")
    const SecondCopy = brandedErrorClass("Sample")
    const Other = brandedErrorClass("Other")
    const error = new SecondCopy("refused")
    expect(error).toBeInstanceOf(First)
    expect(error).toBeInstanceOf(Error)
    expect(error.message).toBe("refused")
    expect(error).not.toBeInstanceOf(Other)
    expect(new Error("plain")).not.toBeInstanceOf(First)
    expect((null as unknown as object) instanceof First).toBe(false)
  })
})
