import { graphql } from './gql/index.js';

export const EtaProgressFields = graphql(`
  fragment EtaProgressFields on ExecutionProgress {
    executionId status seq totalSteps completedSteps failedSteps cancelledSteps timedOutSteps runningSteps pendingSteps skippedSteps doneSteps
    progressPercent elapsedMs estimatedRemainingMs estimatedRemainingP90Ms estimatedCompletion estimatedStartAt
    estimatedStartEarliestAt estimatedStartLatestAt queueEtaBasis
    percentByTime isOverrunning etaBasis
    currentStep { id name status }
  }
`);

export const ExecutionProgressOf = graphql(`
  query ExecutionProgressOf($id: ID!) {
    execution(id: $id) {
      id status
      progress { ...EtaProgressFields }
      steps { id name type status expectedDurationMs }
    }
  }
`);

export const ActiveProgress = graphql(`
  query ActiveProgress($namespace: String) { activeExecutions(namespace: $namespace) { ...EtaProgressFields } }
`);

export const LiveEtaProgress = graphql(`
  subscription LiveEtaProgress($executionId: ID!) { executionProgress(executionId: $executionId) { ...EtaProgressFields } }
`);
