// The Publish dialog's form: who the app is for (everyone in the workspace, or chosen teams), an
// optional note, and the one action the viewer has — Publish for owners and admins, Request review
// for members — disabled with the reason when there is nothing new to publish. Field problems from
// the server show under their field; other refusals in the notice above the buttons.

import { Link } from "@remix-run/react"
import { useId, useState, type FormEvent } from "react"
import { MAX_AUDIENCE_TEAMS, REVIEW_TEXT_MAX_CHARS, type PublishState, type Visibility } from "#shared/publishing/publishing.ts"
import { fieldProblems } from "../integrations/field-problems.ts"
import { Button } from "../ui/button.tsx"
import { DialogClose, DialogFooter } from "../ui/dialog.tsx"
import { Textarea } from "../ui/input.tsx"
import { Field } from "../ui/label.tsx"
import { Notice } from "../ui/notice.tsx"
import type { PublishProblem } from "./publish-problem.ts"
import { agentsWarning, cannotPublishReason } from "./publishing-text.ts"

export interface TeamChoice {
  readonly id: string
  readonly name: string
}

export interface PublishRequest {
  readonly visibility: Visibility
  readonly teamIds: readonly string[]
  readonly note?: string
}

export interface PublishFormProps {
  readonly state: PublishState
  readonly teams: readonly TeamChoice[]
  readonly workspaceName: string
  readonly busy: boolean
  readonly problem: PublishProblem | null
  readonly onSubmit: (request: PublishRequest) => void
  /** The app's Agents tab, where its agents are approved. */
  readonly agentsHref: string
}

/** What the form starts from: what is asked for now, else what is published, else everyone. */
function startingAudience(state: PublishState): { visibility: Visibility; teamIds: readonly string[] } {
  const audience = state.pendingReview?.audience ?? state.published?.audience ?? state.changesRequested?.audience
  return audience ? { visibility: audience.visibility, teamIds: audience.teamIds } : { visibility: "workspace", teamIds: [] }
}

export function PublishForm({ state, teams, workspaceName, busy, problem, onSubmit, agentsHref }: PublishFormProps) {
  const start = startingAudience(state)
  const [visibility, setVisibility] = useState<Visibility>(start.visibility)
  const [teamIds, setTeamIds] = useState<readonly string[]>(start.teamIds)
  const [note, setNote] = useState("")
  const [noTeamChosen, setNoTeamChosen] = useState(false)
  const id = useId()
  const problems = fieldProblems(problem, ["teamIds", "note", "visibility"], `publish${id.replace(/:/g, "")}`)
  const direct = state.canPublishDirectly
  const pendingForMember = !direct && state.pendingReview !== null
  // Publishing the published version again is a release for another audience; for the same one, nothing.
  const reason = cannotPublishReason(state, { visibility, teamIds: visibility === "teams" ? teamIds : [] }) ?? (pendingForMember ? "A review of this app is pending: withdraw it to ask again with other choices." : null)
  const missingBlocksDirect = direct && state.integrationsRequired && state.missingIntegrations.length > 0
  const blocked = reason ?? (missingBlocksDirect ? "Set up the integrations above first." : null)
  const reasonId = `${id}-reason`
  const agentsProblem = agentsWarning(state.draftAgents)
  const teamsProblem = noTeamChosen ? { id: `${id}-teams-empty`, message: "Choose at least one team, or publish for everyone." } : problems.of("teamIds")

  const toggleTeam = (teamId: string, checked: boolean) => {
    setNoTeamChosen(false)
    setTeamIds((chosen) => (checked ? [...chosen, teamId] : chosen.filter((each) => each !== teamId)))
  }
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (blocked || busy) return
    if (visibility === "teams" && teamIds.length === 0) {
      setNoTeamChosen(true)
      return
    }
    const trimmed = note.trim()
    onSubmit({ visibility, teamIds: visibility === "teams" ? teamIds : [], ...(trimmed ? { note: trimmed } : {}) })
  }

  return (
    <form className="grid gap-4" onSubmit={submit} noValidate data-testid="publish-form">
      <fieldset className="grid gap-2">
        <legend className="mb-2 text-sm font-medium">Who can open and use it</legend>
        <label className="flex min-w-0 items-center gap-2 text-sm">
          <input type="radio" name="visibility" value="workspace" checked={visibility === "workspace"} onChange={() => setVisibility("workspace")} className="size-4 accent-primary" />
          <span className="break-words">Everyone in {workspaceName}</span>
        </label>
        <label className="flex min-w-0 items-center gap-2 text-sm">
          <input type="radio" name="visibility" value="teams" checked={visibility === "teams"} onChange={() => setVisibility("teams")} className="size-4 accent-primary" />
          Chosen teams
        </label>
        {visibility === "teams" ? (
          <fieldset className="ml-6 grid gap-2" aria-describedby={teamsProblem?.id} data-testid="publish-teams">
            <legend className="sr-only">Teams</legend>
            {teams.length === 0 ? <p className="text-sm text-muted-foreground">This workspace has no teams yet: an admin creates them in Settings → Teams.</p> : null}
            <div className="flex flex-wrap gap-x-4 gap-y-2">
              {teams.map((team) => (
                <label key={team.id} className="inline-flex min-w-0 items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    name="teamIds"
                    value={team.id}
                    checked={teamIds.includes(team.id)}
                    disabled={!teamIds.includes(team.id) && teamIds.length >= MAX_AUDIENCE_TEAMS}
                    onChange={(event) => toggleTeam(team.id, event.currentTarget.checked)}
                    className="size-4 accent-primary"
                    {...(teamsProblem ? { "aria-invalid": true } : {})}
                  />
                  <span className="break-words">{team.name}</span>
                </label>
              ))}
            </div>
            {teamsProblem ? (
              <p id={teamsProblem.id} className="text-sm text-destructive">
                {teamsProblem.message}
              </p>
            ) : null}
          </fieldset>
        ) : null}
        <p className="text-xs text-muted-foreground">Owners, admins and the people who build it can always open it.</p>
      </fieldset>
      <Field label={direct ? "Note" : "Note for the reviewer"} optional hint={`What changed, or what to look at. Up to ${REVIEW_TEXT_MAX_CHARS} characters.`}>
        <Textarea name="note" value={note} onChange={(event) => setNote(event.currentTarget.value)} maxLength={REVIEW_TEXT_MAX_CHARS} rows={3} {...problems.attributes("note")} data-testid="publish-note" />
      </Field>
      {problems.of("note") ? (
        <p id={problems.of("note")!.id} className="-mt-2 text-sm text-destructive">
          {problems.of("note")!.message}
        </p>
      ) : null}
      {agentsProblem ? (
        <Notice tone="warning" title="Agents" data-testid="publish-agents-warning">
          <p>{agentsProblem}</p>
          <Link to={agentsHref} className="font-medium text-primary underline-offset-4 hover:underline">
            Review them in the Agents tab
          </Link>
        </Notice>
      ) : null}
      {problem && problems.rest ? (
        <Notice tone="error" data-testid="publish-problem">
          {problems.rest}
        </Notice>
      ) : null}
      {blocked ? (
        <p id={reasonId} className="text-sm text-muted-foreground" data-testid="publish-blocked-reason">
          {blocked}
        </p>
      ) : null}
      <DialogFooter>
        <DialogClose asChild>
          <Button variant="outline">Cancel</Button>
        </DialogClose>
        <Button type="submit" disabled={blocked !== null || busy} aria-describedby={blocked ? reasonId : undefined} data-testid="publish-submit">
          {direct ? (busy ? "Publishing…" : "Publish") : busy ? "Asking…" : "Request review"}
        </Button>
      </DialogFooter>
    </form>
  )
}
