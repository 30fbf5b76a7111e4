import { graphql } from './gql/index.js';

export const ExecutionResult = graphql(`
  fragment ClientExecution on Execution { id externalId status steps { id name type status attempt } }
`);
export const StepResult = graphql(`fragment ClientStep on StepProgress { id executionId status attempt progressPercent }`);

export const CreateExecution = graphql(`
  mutation ClientCreateExecution($input: CreateExecutionInput!) { createExecution(input: $input) { ...ClientExecution } }
`);
export const ExecutionByExternalId = graphql(`
  query ClientExecutionByExternalId($namespace: String, $externalId: String!) {
    executionByExternalId(namespace: $namespace, externalId: $externalId) { ...ClientExecution }
  }
`);
export const QueueExecution = graphql(`mutation ClientQueueExecution($id: ID!) { queueExecution(id: $id) { ...ClientExecution } }`);
export const StartExecution = graphql(`mutation ClientStartExecution($id: ID!) { startExecution(id: $id) { ...ClientExecution } }`);
export const CompleteExecution = graphql(`mutation ClientCompleteExecution($id: ID!) { completeExecution(id: $id) { ...ClientExecution } }`);
export const FailExecution = graphql(`
  mutation ClientFailExecution($id: ID!, $error: String!) { failExecution(id: $id, error: $error) { ...ClientExecution } }
`);
export const CancelExecution = graphql(`
  mutation ClientCancelExecution($id: ID!, $reason: String) { cancelExecution(id: $id, reason: $reason) { ...ClientExecution } }
`);
export const TimeoutExecution = graphql(`mutation ClientTimeoutExecution($id: ID!) { timeoutExecution(id: $id) { ...ClientExecution } }`);
export const StartStep = graphql(`mutation ClientStartStep($stepId: ID!) { startStep(stepId: $stepId) { ...ClientStep } }`);
export const ReportStepProgress = graphql(`
  mutation ClientReportStepProgress($stepId: ID!, $percent: Float!, $message: String) {
    reportStepProgress(stepId: $stepId, percent: $percent, message: $message) { ...ClientStep }
  }
`);
export const CompleteStep = graphql(`mutation ClientCompleteStep($stepId: ID!) { completeStep(stepId: $stepId) { ...ClientStep } }`);
export const FailStep = graphql(`
  mutation ClientFailStep($stepId: ID!, $error: String!, $retry: Boolean) {
    failStep(stepId: $stepId, error: $error, retry: $retry) { ...ClientStep }
  }
`);
export const SkipStep = graphql(`
  mutation ClientSkipStep($stepId: ID!, $reason: String) { skipStep(stepId: $stepId, reason: $reason) { ...ClientStep } }
`);
export const RequestApproval = graphql(`
  mutation ClientRequestApproval($stepId: ID!, $approvers: [String!], $message: String) {
    requestApproval(stepId: $stepId, approvers: $approvers, message: $message) { ...ClientStep }
  }
`);
export const ApproveStep = graphql(`
  mutation ClientApproveStep($stepId: ID!, $by: String!, $comment: String) {
    approveStep(stepId: $stepId, by: $by, comment: $comment) { ...ClientStep }
  }
`);
export const RejectStep = graphql(`
  mutation ClientRejectStep($stepId: ID!, $by: String!, $comment: String) {
    rejectStep(stepId: $stepId, by: $by, comment: $comment) { ...ClientStep }
  }
`);
export const Ingest = graphql(`
  mutation ClientIngest($commands: [IngestCommand!]!) {
    ingest(commands: $commands) { ok execution { ...ClientExecution } step { ...ClientStep } error { code message } }
  }
`);
