/** What GraphiQL opens with: a tour of the API, subscription included. */
export const GRAPHIQL_EXAMPLE = `# Welcome to Runwatch. Run the operations below in order (pick one with the play button).

mutation CreateExecution {
  createExecution(input: {
    workflow: "deploy-service"
    externalId: "run-1"
    steps: [
      { name: "build", type: "script" }
      { name: "approve", type: "approval" }
      { name: "rollout", type: "http" }
    ]
    slaMs: 600000
  }) { id status steps { id name status } }
}

query ActiveExecutions {
  activeExecutions { executionId status progressPercent currentStep { name status } elapsedMs }
}

query RecentExecutions {
  executions(first: 10) {
    edges { cursor node { id workflow status durationMs progress { progressPercent completedSteps totalSteps } } }
    pageInfo { hasNextPage endCursor }
  }
}

query EventLog {
  events(first: 20) { edges { node { seq type executionId data timestamp } } pageInfo { endCursor } }
}

# Open a second tab, run this, then start the execution and its steps from the first tab.
subscription LiveEvents {
  events { cursor seq type executionId stepId data timestamp }
}
`;
