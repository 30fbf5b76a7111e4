import { graphql } from './gql/index.js';

export const ExecutionFields = graphql(`
  fragment ExecutionFields on Execution {
    id namespace workflow externalId status labels error createdAt queuedAt startedAt finishedAt
    queueTimeMs durationMs slaMs timeoutMs slaViolated
    steps { id executionId position name type status progressPercent message attempt error startedAt finishedAt durationMs }
    progress {
      executionId status totalSteps completedSteps failedSteps runningSteps pendingSteps skippedSteps
      progressPercent elapsedMs estimatedRemainingMs estimatedCompletion
      currentStep { id name status }
    }
  }
`);

export const StepFields = graphql(`
  fragment StepFields on StepProgress {
    id executionId position name type status progressPercent message attempt error startedAt finishedAt durationMs
  }
`);

export const CreateExecution = graphql(`
  mutation CreateExecution($input: CreateExecutionInput!) { createExecution(input: $input) { ...ExecutionFields } }
`);
export const QueueExecution = graphql(`mutation QueueExecution($id: ID!) { queueExecution(id: $id) { ...ExecutionFields } }`);
export const StartExecution = graphql(`mutation StartExecution($id: ID!) { startExecution(id: $id) { ...ExecutionFields } }`);
export const CompleteExecution = graphql(`mutation CompleteExecution($id: ID!) { completeExecution(id: $id) { ...ExecutionFields } }`);
export const FailExecution = graphql(`mutation FailExecution($id: ID!, $error: String!) { failExecution(id: $id, error: $error) { ...ExecutionFields } }`);
export const CancelExecution = graphql(`mutation CancelExecution($id: ID!, $reason: String) { cancelExecution(id: $id, reason: $reason) { ...ExecutionFields } }`);
export const TimeoutExecution = graphql(`mutation TimeoutExecution($id: ID!) { timeoutExecution(id: $id) { ...ExecutionFields } }`);

export const StartStep = graphql(`mutation StartStep($stepId: ID!) { startStep(stepId: $stepId) { ...StepFields } }`);
export const ReportStepProgress = graphql(`
  mutation ReportStepProgress($stepId: ID!, $percent: Float!, $message: String) {
    reportStepProgress(stepId: $stepId, percent: $percent, message: $message) { ...StepFields }
  }
`);
export const CompleteStep = graphql(`mutation CompleteStep($stepId: ID!) { completeStep(stepId: $stepId) { ...StepFields } }`);
export const FailStep = graphql(`
  mutation FailStep($stepId: ID!, $error: String!, $retry: Boolean) { failStep(stepId: $stepId, error: $error, retry: $retry) { ...StepFields } }
`);
export const SkipStep = graphql(`mutation SkipStep($stepId: ID!, $reason: String) { skipStep(stepId: $stepId, reason: $reason) { ...StepFields } }`);
export const RequestApproval = graphql(`
  mutation RequestApproval($stepId: ID!, $approvers: [String!], $message: String) {
    requestApproval(stepId: $stepId, approvers: $approvers, message: $message) { ...StepFields }
  }
`);
export const ApproveStep = graphql(`
  mutation ApproveStep($stepId: ID!, $by: String!, $comment: String) { approveStep(stepId: $stepId, by: $by, comment: $comment) { ...StepFields } }
`);
export const RejectStep = graphql(`
  mutation RejectStep($stepId: ID!, $by: String!, $comment: String) { rejectStep(stepId: $stepId, by: $by, comment: $comment) { ...StepFields } }
`);

export const GetExecution = graphql(`query GetExecution($id: ID!) { execution(id: $id) { ...ExecutionFields } }`);
export const GetNode = graphql(`
  query GetNode($id: ID!) {
    node(id: $id) {
      __typename id
      ... on Execution { workflow }
      ... on StepProgress { name }
      ... on ExecutionEvent { type seq }
    }
  }
`);
export const ListExecutions = graphql(`
  query ListExecutions($filter: ExecutionFilter, $first: Int, $after: String) {
    executions(filter: $filter, first: $first, after: $after) {
      edges { cursor node { id workflow namespace status createdAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);
export const ExecutionsWithSteps = graphql(`
  query ExecutionsWithSteps($first: Int) {
    executions(first: $first) {
      edges { node { id steps { id name status } progress { progressPercent currentStep { id } } } }
    }
  }
`);
export const ActiveExecutions = graphql(`
  query ActiveExecutions($namespace: String) {
    activeExecutions(namespace: $namespace) { executionId status progressPercent totalSteps currentStep { name } }
  }
`);
export const EventFields = graphql(`
  fragment EventFields on ExecutionEvent { id cursor seq type namespace executionId stepId data timestamp }
`);
export const ListEvents = graphql(`
  query ListEvents($filter: EventFilter, $first: Int, $after: String) {
    events(filter: $filter, first: $first, after: $after) {
      edges { cursor node { ...EventFields } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);
export const ExecutionEvents = graphql(`
  query ExecutionEvents($id: ID!, $first: Int, $after: String) {
    execution(id: $id) { events(first: $first, after: $after) { edges { node { ...EventFields } } pageInfo { hasNextPage endCursor } } }
  }
`);
export const EventsSubscription = graphql(`
  subscription LiveEvents($filter: EventFilter, $after: String) { events(filter: $filter, after: $after) { ...EventFields } }
`);
export const ProgressSubscription = graphql(`
  subscription LiveProgress($executionId: ID!) {
    executionProgress(executionId: $executionId) { executionId status progressPercent completedSteps totalSteps currentStep { name } }
  }
`);
