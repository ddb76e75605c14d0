// The message that approving a plan sends to the builder in the person's name. The system prompt quotes
// its shape, so the agent knows an approval when it sees one.

/** `Approved: build “Lunch orders” as planned.`; without a readable title, the plan is "it". */
export const approvalPrompt = (planTitle: string | null) =>
  planTitle === null ? "Approved: build it as planned." : `Approved: build “${planTitle}” as planned.`
