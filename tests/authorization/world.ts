// A populated Second for authorization tests, built only through the public API: workspace W
// with an owner, an admin and a member; an outsider who owns another workspace; and helpers that
// make fresh targets (people, invitations, teams) so each success case has its own.

import { afterAll, beforeAll } from "vitest"
import type { Role } from "#shared/auth/permissions.ts"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import { startSecond, type SecondServer } from "#tests/fixtures/second-server.ts"

export interface Invited {
  readonly invitationId: string
  readonly token: string
}

export class World {
  readonly server: SecondServer
  readonly people = new Map<Role | "outsider", HttpPerson>()
  readonly userIds = new Map<HttpPerson, string>()
  readonly emails = new Map<HttpPerson, string>()
  workspaceId = ""
  outsiderWorkspaceId = ""
  #counter = 0

  constructor(server: SecondServer) {
    this.server = server
  }

  static async build(server: SecondServer): Promise<World> {
    const world = new World(server)
    const owner = await world.person("owner")
    world.workspaceId = (await owner.must<{ id: string }>("mutation", "workspaces.create", { name: "Acme" })).id
    world.people.set("owner", owner)
    world.people.set("admin", (await world.join("admin")).person)
    world.people.set("member", (await world.join("member")).person)
    const outsider = await world.person("outsider")
    world.outsiderWorkspaceId = (await outsider.must<{ id: string }>("mutation", "workspaces.create", { name: "Elsewhere" })).id
    world.people.set("outsider", outsider)
    return world
  }

  as(who: Role | "outsider"): HttpPerson {
    const person = this.people.get(who)
    if (!person) throw new Error(`no ${who} in this world`)
    return person
  }

  /** A new, signed-in person who belongs to no workspace yet. */
  async person(label = "person"): Promise<HttpPerson> {
    this.#counter += 1
    const email = `${label}-${this.#counter}@example.com`
    const person = await new HttpPerson(this.server.url).signIn(email, `${label} ${this.#counter}`)
    const me = await person.must<{ user: { id: string } }>("query", "auth.me")
    this.userIds.set(person, me.user.id)
    this.emails.set(person, email)
    return person
  }

  freshEmail(): string {
    this.#counter += 1
    return `invitee-${this.#counter}@example.com`
  }

  /** The owner invites an address into W. */
  async invite(email = this.freshEmail(), role: Role = "member"): Promise<Invited> {
    const issued = await this.as("owner").must<{ invitation: { id: string }; url: string }>("mutation", "invitations.create", {
      workspaceId: this.workspaceId,
      email,
      role,
      teamIds: [],
    })
    return { invitationId: issued.invitation.id, token: issued.url.split("/").at(-1)! }
  }

  /** A new person who joins W with a role by accepting an invitation. */
  async join(role: Role = "member"): Promise<{ person: HttpPerson; userId: string }> {
    const person = await this.person(role)
    const { token } = await this.invite(this.emails.get(person), role)
    await person.must("mutation", "invitations.accept", { token })
    return { person, userId: this.userIds.get(person)! }
  }

  async team(members: readonly string[] = []): Promise<string> {
    this.#counter += 1
    const owner = this.as("owner")
    const team = await owner.must<{ id: string }>("mutation", "teams.create", { workspaceId: this.workspaceId, name: `Team ${this.#counter}` })
    for (const userId of members) await owner.must("mutation", "teams.addMember", { workspaceId: this.workspaceId, teamId: team.id, userId })
    return team.id
  }

  userId(who: Role | "outsider"): string {
    return this.userIds.get(this.as(who))!
  }

  /** How many audit events W has: a denied call must not add any. */
  async auditCount(): Promise<number> {
    return (await this.as("owner").must<unknown[]>("query", "audit.list", { workspaceId: this.workspaceId, limit: 500 })).length
  }
}

/**
 * For a test file: a running Second with a built world, from before the first test until after
 * the last. Read `.server` and `.world` inside tests, not at module level.
 */
export function useWorld(env: Record<string, string> = {}): { readonly server: SecondServer; readonly world: World } {
  const state: { server?: SecondServer; world?: World } = {}
  beforeAll(async () => {
    state.server = await startSecond(env)
    state.world = await World.build(state.server)
  }, 120_000)
  afterAll(async () => {
    await state.server?.stop()
  })
  return {
    get server() {
      if (!state.server) throw new Error("the server starts in beforeAll")
      return state.server
    },
    get world() {
      if (!state.world) throw new Error("the world is built in beforeAll")
      return state.world
    },
  }
}
