// Runs a runtime inside bubblewrap: its own PID, IPC and UTS namespaces (so /proc shows no worker
// process and its environ), the system read-only, and only these trees visible from the rest of
// the machine: the runtime's own installation and the app template (read-only), the app's working
// directory and the runtime's private home (read-write). The network stays shared (runtimes call
// model providers), except for an app's build, which needs none.

import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"
import type { ProcessSpec } from "../runtime/process/RuntimeProcess.ts"

const SYSTEM_READ_ONLY = [
  "/usr",
  "/bin",
  "/sbin",
  "/lib",
  "/lib32",
  "/lib64",
  "/libx32",
  "/etc/alternatives",
  "/etc/ssl",
  "/etc/ca-certificates",
  "/etc/pki",
  "/etc/resolv.conf",
  "/etc/hosts",
  "/etc/nsswitch.conf",
  "/etc/passwd",
  "/etc/group",
  "/etc/localtime",
  "/etc/ld.so.cache",
  "/etc/ld.so.conf",
  "/etc/ld.so.conf.d",
]

export const BWRAP_CANDIDATES = ["/usr/bin/bwrap", "/usr/local/bin/bwrap"]

export function findBubblewrap(): string | null {
  return BWRAP_CANDIDATES.find((candidate) => existsSync(candidate)) ?? null
}

export interface SandboxMounts {
  readonly workdir: string
  readonly home: string
  /** Extra read-only trees, e.g. the runtime's installation when it is not under /usr. */
  readonly readOnly: readonly string[]
  /** No network at all (an app's build needs none); runtimes share it to reach model providers. */
  readonly offline?: boolean
  /** A read-only tree mounted at another path: the app template's packages, beside the app's directory. */
  readonly mounted?: { readonly source: string; readonly target: string }
}

export function bubblewrapArgs(mounts: SandboxMounts, command: string, args: readonly string[]): string[] {
  const binds = (flag: string, paths: readonly string[]) =>
    paths.filter((path) => existsSync(path)).flatMap((path) => [flag, path, path])
  return [
    "--unshare-all",
    ...(mounts.offline ? [] : ["--share-net"]),
    "--die-with-parent",
    "--new-session",
    // Fresh /proc, /dev, /tmp and /run first: binds that follow may lie under them (a checkout
    // or workspaces under /tmp) and must stay visible on top.
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    "--tmpfs",
    "/tmp",
    "--tmpfs",
    "/run",
    ...binds("--ro-bind", SYSTEM_READ_ONLY),
    ...binds("--ro-bind", mounts.readOnly),
    ...binds("--bind", [mounts.home, mounts.workdir]),
    ...(mounts.mounted && existsSync(mounts.mounted.source) ? ["--ro-bind", mounts.mounted.source, mounts.mounted.target] : []),
    "--chdir",
    mounts.workdir,
    "--",
    command,
    ...args,
  ]
}

export function wrapInBubblewrap(bwrap: string, spec: ProcessSpec, mounts: SandboxMounts): ProcessSpec {
  return { ...spec, command: bwrap, args: bubblewrapArgs(mounts, spec.command, spec.args) }
}

/** Whether bubblewrap can create its namespaces here (containers sometimes forbid it). */
export function bubblewrapWorks(bwrap: string): { ok: true } | { ok: false; reason: string } {
  try {
    execFileSync(bwrap, [...bubblewrapArgs({ workdir: "/", home: "/", readOnly: [] }, "/bin/true", [])], {
      stdio: ["ignore", "ignore", "pipe"],
      timeout: 5_000,
    })
    return { ok: true }
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim()
    return { ok: false, reason: stderr || (error instanceof Error ? error.message : String(error)) }
  }
}
