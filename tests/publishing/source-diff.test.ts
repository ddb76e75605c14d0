// The review's file diff: context around changes only, the build as one entry, binary and very
// large files without lines, and at most FILES_SHOWN files listed.

import { describe, expect, it } from "vitest"
import { BUILD_PATH, diffSources, FILES_SHOWN, MAX_DIFFED_LINES } from "#app/publishing/source-diff.ts"

const numbered = (count: number, change: (line: number) => string | null = () => null) =>
  Array.from({ length: count }, (_, index) => change(index) ?? `line ${index}`).join("\n")

describe("diffSources", () => {
  it("keeps three lines of context around each change and drops the rest", () => {
    const { files } = diffSources({ files: { "a.ts": numbered(40) } }, { files: { "a.ts": numbered(40, (line) => (line === 20 ? "changed" : null)) } })
    expect(files).toHaveLength(1)
    expect(files[0]!.lines!.map((line) => `${line.kind[0]} ${line.text}`)).toEqual([
      "c line 17",
      "c line 18",
      "c line 19",
      "r line 20",
      "a changed",
      "c line 21",
      "c line 22",
      "c line 23",
    ])
    expect(files[0]).toMatchObject({ change: "changed", addedLines: 1, removedLines: 1 })
  })

  it("lists files added and removed, binary ones and very large ones without lines, and the build once", () => {
    const { files } = diffSources(
      { files: { "gone.ts": "x", "big.ts": numbered(MAX_DIFFED_LINES + 1), "dist/index.html": "old" }, binaryFiles: { "logo.png": "AAAA" } },
      { files: { "new.ts": "a\nb", "big.ts": numbered(MAX_DIFFED_LINES + 1, (line) => (line === 0 ? "first" : null)), "dist/index.html": "new", "dist/x.js": "1" }, binaryFiles: { "logo.png": "BBBB" } },
    )
    expect(files.map((file) => [file.path, file.change, file.lines === null])).toEqual([
      [BUILD_PATH, "changed", true],
      ["big.ts", "changed", true],
      ["gone.ts", "removed", false],
      ["logo.png", "changed", true],
      ["new.ts", "added", false],
    ])
    expect(files.find((file) => file.path === "new.ts")).toMatchObject({ addedLines: 2, removedLines: 0 })
  })

  it("says nothing of an unchanged source, and counts the files beyond what a page lists", () => {
    expect(diffSources({ files: { "a.ts": "same", "dist/i.html": "x" } }, { files: { "a.ts": "same", "dist/i.html": "x" } })).toEqual({ files: [], filesNotShown: 0 })
    const many = Object.fromEntries(Array.from({ length: FILES_SHOWN + 5 }, (_, index) => [`src/f${String(index).padStart(3, "0")}.ts`, "x"]))
    const listed = diffSources(null, { files: many })
    expect(listed.files).toHaveLength(FILES_SHOWN)
    expect(listed.filesNotShown).toBe(5)
  })
})
