// Problems read from what tsc and Vite really print (captured from tsc 5.9 and Vite 6.4 on the
// app template): each with the file relative to the app, its line and column when the tool gave
// them, and a failure in words nothing recognizes still becomes one problem.

import { describe, expect, it } from "vitest"
import { describeProblems, typecheckProblems, unrecognizedFailure, viteProblems } from "./build-problems.ts"

const APP = "/srv/workspaces/apps/app-1"

describe("typecheck problems", () => {
  it("reads tsc's located and global errors, joining a message's indented continuation", () => {
    const problems = typecheckProblems(
      [
        "src/App.tsx(4,9): error TS2322: Type 'number' is not assignable to type 'string'.",
        "src/lib/list.ts(12,3): error TS2345: Argument of type '{ id: number; }' is not assignable to parameter of type 'Item'.",
        "  Property 'name' is missing in type '{ id: number; }' but required in type 'Item'.",
        "error TS5083: Cannot read file '/srv/workspaces/apps/app-1/tsconfig.json'.",
      ],
      APP,
    )
    expect(problems).toEqual([
      { step: "typecheck", file: "src/App.tsx", line: 4, column: 9, message: "Type 'number' is not assignable to type 'string'. (TS2322)" },
      {
        step: "typecheck",
        file: "src/lib/list.ts",
        line: 12,
        column: 3,
        message:
          "Argument of type '{ id: number; }' is not assignable to parameter of type 'Item'. (TS2345) Property 'name' is missing in type '{ id: number; }' but required in type 'Item'.",
      },
      { step: "typecheck", file: null, line: null, column: null, message: "Cannot read file '/srv/workspaces/apps/app-1/tsconfig.json'. (TS5083)" },
    ])
  })
})

describe("vite build problems", () => {
  it("reads esbuild's located errors", () => {
    const problems = viteProblems(
      [
        "✗ Build failed in 45ms",
        "error during build:",
        "[vite:esbuild] Transform failed with 1 error:",
        `${APP}/src/App.tsx:3:22: ERROR: Unterminated regular expression`,
        `file: ${APP}/src/App.tsx:3:22`,
        "    at failureErrorWithLog (/opt/second/templates/react-app/node_modules/esbuild/lib/main.js:1467:15)",
      ],
      APP,
    )
    expect(problems).toEqual([{ step: "build", file: "src/App.tsx", line: 3, column: 22, message: "Unterminated regular expression" }])
  })

  it("reads Rollup's and plugins' errors with the file they name", () => {
    expect(
      viteProblems(["error during build:", 'Could not resolve "./Foo" from "src/App.tsx"', `file: ${APP}/src/App.tsx`, "    at getRollupError (x.js:1:1)"], APP),
    ).toEqual([{ step: "build", file: "src/App.tsx", line: null, column: null, message: 'Could not resolve "./Foo" from "src/App.tsx"' }])
    expect(viteProblems(["error during build:", `[vite]: Rollup failed to resolve import "lodash" from "${APP}/src/App.tsx".`, "This is most likely unintended"], APP)).toEqual([
      { step: "build", file: "src/App.tsx", line: null, column: null, message: `[vite]: Rollup failed to resolve import "lodash" from "${APP}/src/App.tsx".` },
    ])
    expect(
      viteProblems(["error during build:", "[@tailwindcss/vite:generate:build] Cannot apply unknown utility class `nonexistent-class`", `file: ${APP}/src/index.css`], APP)[0],
    ).toMatchObject({ file: "src/index.css", message: expect.stringContaining("unknown utility class") })
  })

  it("finds nothing in a build that did not fail, and says the last words of one that failed unrecognizably", () => {
    expect(viteProblems(["vite v6.4.6 building for production...", "✓ built in 1.28s"], APP)).toEqual([])
    expect(unrecognizedFailure("build", ["Killed", "    at x (y.js:1:1)"], "vite build failed")).toEqual({
      step: "build",
      file: null,
      line: null,
      column: null,
      message: "Killed",
    })
  })
})

describe("describing problems to the agent", () => {
  it("says where and what, one line each, and how many more there are", () => {
    const problem = { step: "typecheck" as const, file: "src/App.tsx", line: 4, column: 9, message: "Type error." }
    const text = describeProblems([problem, { ...problem, file: null, line: null, column: null }, problem], 2)
    expect(text).toBe("- src/App.tsx:4:9 Type error. [typecheck]\n- Type error. [typecheck]\n- … and 1 more")
  })
})
