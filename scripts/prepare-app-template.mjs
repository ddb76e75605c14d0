// Installs the app template's dependencies once, for every app the worker scaffolds: every app
// finds templates/react-app/node_modules beside its directory (mounted read-only in the sandbox;
// decision 015), because the builder agent has no registry to install from. Runs as the root package's postinstall, so a
// fresh clone's `npm ci` prepares it; afterwards it does nothing until the template's lockfile
// changes (a stamp in node_modules records what was installed). Prints one line either way.

import { spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"

const template = join(dirname(fileURLToPath(import.meta.url)), "..", "templates", "react-app")
const shown = relative(process.cwd(), template) || "."
const stampFile = join(template, "node_modules", ".second-prepared")

// The image's dependency stage installs the platform before it copies the template in.
if (!existsSync(join(template, "package-lock.json"))) {
  console.log(`app template: no ${shown}/package-lock.json here; skipped`)
  process.exit(0)
}

const stamp = createHash("sha256")
  .update(readFileSync(join(template, "package.json")))
  .update(readFileSync(join(template, "package-lock.json")))
  .update(`${process.platform}-${process.arch}`)
  .digest("hex")

if (existsSync(stampFile) && readFileSync(stampFile, "utf8").trim() === stamp) {
  console.log(`app template: dependencies ready in ${shown}/node_modules`)
  process.exit(0)
}

function withoutOmit(env) {
  const copy = { ...env }
  for (const name of Object.keys(copy)) if (/^npm_config_(omit|production|only)$/i.test(name)) delete copy[name]
  return copy
}

const started = performance.now()
// NOTE: the root install's npm_config_* reach this npm through the environment; an install that
// omits devDependencies (NODE_ENV=production, --omit=dev) must still give apps vite and tsc.
const npm = process.env["npm_execpath"] ? [process.execPath, process.env["npm_execpath"]] : ["npm"]
const result = spawnSync(npm[0], [...npm.slice(1), "ci", "--no-audit", "--no-fund", "--include=dev", "--loglevel=error"], {
  cwd: template,
  encoding: "utf8",
  stdio: ["ignore", "pipe", "pipe"],
  env: withoutOmit(process.env),
})
if (result.status !== 0) {
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().split("\n").slice(-20).join("\n")
  console.error(`app template: npm ci failed in ${shown} (${result.error?.message ?? `exit ${result.status}`})\n${output}`)
  process.exit(1)
}
writeFileSync(stampFile, `${stamp}\n`)
console.log(`app template: dependencies installed in ${shown}/node_modules (${((performance.now() - started) / 1000).toFixed(1)} s)`)
