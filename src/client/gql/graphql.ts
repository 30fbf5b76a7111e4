/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type ApproveStepInput = {
  by: string;
  comment?: string | null | undefined;
  stepId: string | number;
};

export type CancelExecutionInput = {
  id: string | number;
  reason?: string | null | undefined;
};

export type CompleteExecutionInput = {
  id: string | number;
};

export type CompleteStepInput = {
  stepId: string | number;
};

export type CreateExecutionInput = {
  externalId?: string | null | undefined;
  labels?: unknown;
  namespace?: string | null | undefined;
  /** true: create straight into QUEUED. */
  queued?: boolean | null | undefined;
  slaMs?: number | null | undefined;
  steps: Array<StepInput>;
  timeoutMs?: number | null | undefined;
  workflow: string;
};

export type ExecutionStatus =
  | 'CANCELLED'
  | 'COMPLETED'
  | 'FAILED'
  | 'PENDING'
  | 'QUEUED'
  | 'RUNNING'
  | 'TIMED_OUT'
  | 'WAITING_APPROVAL';

export type FailExecutionInput = {
  error: string;
  id: string | number;
};

export type FailStepInput = {
  error: string;
  retry?: boolean | null | undefined;
  stepId: string | number;
};

/** One engine command: exactly one field, named after its mutation and holding that mutation's arguments. */
export type IngestCommand =
  {   approveStep: ApproveStepInput; cancelExecution?: never; completeExecution?: never; completeStep?: never; createExecution?: never; failExecution?: never; failStep?: never; queueExecution?: never; rejectStep?: never; reportStepProgress?: never; requestApproval?: never; skipStep?: never; startExecution?: never; startStep?: never; timeoutExecution?: never; }
  |  { approveStep?: never;   cancelExecution: CancelExecutionInput; completeExecution?: never; completeStep?: never; createExecution?: never; failExecution?: never; failStep?: never; queueExecution?: never; rejectStep?: never; reportStepProgress?: never; requestApproval?: never; skipStep?: never; startExecution?: never; startStep?: never; timeoutExecution?: never; }
  |  { approveStep?: never; cancelExecution?: never;   completeExecution: CompleteExecutionInput; completeStep?: never; createExecution?: never; failExecution?: never; failStep?: never; queueExecution?: never; rejectStep?: never; reportStepProgress?: never; requestApproval?: never; skipStep?: never; startExecution?: never; startStep?: never; timeoutExecution?: never; }
  |  { approveStep?: never; cancelExecution?: never; completeExecution?: never;   completeStep: CompleteStepInput; createExecution?: never; failExecution?: never; failStep?: never; queueExecution?: never; rejectStep?: never; reportStepProgress?: never; requestApproval?: never; skipStep?: never; startExecution?: never; startStep?: never; timeoutExecution?: never; }
  |  { approveStep?: never; cancelExecution?: never; completeExecution?: never; completeStep?: never;   createExecution: CreateExecutionInput; failExecution?: never; failStep?: never; queueExecution?: never; rejectStep?: never; reportStepProgress?: never; requestApproval?: never; skipStep?: never; startExecution?: never; startStep?: never; timeoutExecution?: never; }
  |  { approveStep?: never; cancelExecution?: never; completeExecution?: never; completeStep?: never; createExecution?: never;   failExecution: FailExecutionInput; failStep?: never; queueExecution?: never; rejectStep?: never; reportStepProgress?: never; requestApproval?: never; skipStep?: never; startExecution?: never; startStep?: never; timeoutExecution?: never; }
  |  { approveStep?: never; cancelExecution?: never; completeExecution?: never; completeStep?: never; createExecution?: never; failExecution?: never;   failStep: FailStepInput; queueExecution?: never; rejectStep?: never; reportStepProgress?: never; requestApproval?: never; skipStep?: never; startExecution?: never; startStep?: never; timeoutExecution?: never; }
  |  { approveStep?: never; cancelExecution?: never; completeExecution?: never; completeStep?: never; createExecution?: never; failExecution?: never; failStep?: never;   queueExecution: QueueExecutionInput; rejectStep?: never; reportStepProgress?: never; requestApproval?: never; skipStep?: never; startExecution?: never; startStep?: never; timeoutExecution?: never; }
  |  { approveStep?: never; cancelExecution?: never; completeExecution?: never; completeStep?: never; createExecution?: never; failExecution?: never; failStep?: never; queueExecution?: never;   rejectStep: RejectStepInput; reportStepProgress?: never; requestApproval?: never; skipStep?: never; startExecution?: never; startStep?: never; timeoutExecution?: never; }
  |  { approveStep?: never; cancelExecution?: never; completeExecution?: never; completeStep?: never; createExecution?: never; failExecution?: never; failStep?: never; queueExecution?: never; rejectStep?: never;   reportStepProgress: ReportStepProgressInput; requestApproval?: never; skipStep?: never; startExecution?: never; startStep?: never; timeoutExecution?: never; }
  |  { approveStep?: never; cancelExecution?: never; completeExecution?: never; completeStep?: never; createExecution?: never; failExecution?: never; failStep?: never; queueExecution?: never; rejectStep?: never; reportStepProgress?: never;   requestApproval: RequestApprovalInput; skipStep?: never; startExecution?: never; startStep?: never; timeoutExecution?: never; }
  |  { approveStep?: never; cancelExecution?: never; completeExecution?: never; completeStep?: never; createExecution?: never; failExecution?: never; failStep?: never; queueExecution?: never; rejectStep?: never; reportStepProgress?: never; requestApproval?: never;   skipStep: SkipStepInput; startExecution?: never; startStep?: never; timeoutExecution?: never; }
  |  { approveStep?: never; cancelExecution?: never; completeExecution?: never; completeStep?: never; createExecution?: never; failExecution?: never; failStep?: never; queueExecution?: never; rejectStep?: never; reportStepProgress?: never; requestApproval?: never; skipStep?: never;   startExecution: StartExecutionInput; startStep?: never; timeoutExecution?: never; }
  |  { approveStep?: never; cancelExecution?: never; completeExecution?: never; completeStep?: never; createExecution?: never; failExecution?: never; failStep?: never; queueExecution?: never; rejectStep?: never; reportStepProgress?: never; requestApproval?: never; skipStep?: never; startExecution?: never;   startStep: StartStepInput; timeoutExecution?: never; }
  |  { approveStep?: never; cancelExecution?: never; completeExecution?: never; completeStep?: never; createExecution?: never; failExecution?: never; failStep?: never; queueExecution?: never; rejectStep?: never; reportStepProgress?: never; requestApproval?: never; skipStep?: never; startExecution?: never; startStep?: never;   timeoutExecution: TimeoutExecutionInput; };

export type QueueExecutionInput = {
  id: string | number;
};

export type RejectStepInput = {
  by: string;
  comment?: string | null | undefined;
  stepId: string | number;
};

export type ReportStepProgressInput = {
  message?: string | null | undefined;
  percent: number;
  stepId: string | number;
};

export type RequestApprovalInput = {
  approvers?: Array<string> | null | undefined;
  message?: string | null | undefined;
  stepId: string | number;
};

export type SkipStepInput = {
  reason?: string | null | undefined;
  stepId: string | number;
};

export type StartExecutionInput = {
  id: string | number;
};

export type StartStepInput = {
  stepId: string | number;
};

export type StepInput = {
  name: string;
  type: string;
};

export type StepStatus =
  | 'CANCELLED'
  | 'COMPLETED'
  | 'FAILED'
  | 'PENDING'
  | 'RUNNING'
  | 'SKIPPED'
  | 'TIMED_OUT'
  | 'WAITING_APPROVAL';

export type TimeoutExecutionInput = {
  id: string | number;
};

export type ClientExecutionFragment = { id: string, externalId: string | null, status: ExecutionStatus, steps: Array<{ id: string, name: string, type: string, status: StepStatus, attempt: number }> };

export type ClientStepFragment = { id: string, executionId: string, status: StepStatus, attempt: number, progressPercent: number };

export type ClientCreateExecutionMutationVariables = Exact<{
  input: CreateExecutionInput;
}>;


export type ClientCreateExecutionMutation = { createExecution: { id: string, externalId: string | null, status: ExecutionStatus, steps: Array<{ id: string, name: string, type: string, status: StepStatus, attempt: number }> } };

export type ClientExecutionByExternalIdQueryVariables = Exact<{
  namespace?: string | null | undefined;
  externalId: string;
}>;


export type ClientExecutionByExternalIdQuery = { executionByExternalId: { id: string, externalId: string | null, status: ExecutionStatus, steps: Array<{ id: string, name: string, type: string, status: StepStatus, attempt: number }> } | null };

export type ClientQueueExecutionMutationVariables = Exact<{
  id: string | number;
}>;


export type ClientQueueExecutionMutation = { queueExecution: { id: string, externalId: string | null, status: ExecutionStatus, steps: Array<{ id: string, name: string, type: string, status: StepStatus, attempt: number }> } };

export type ClientStartExecutionMutationVariables = Exact<{
  id: string | number;
}>;


export type ClientStartExecutionMutation = { startExecution: { id: string, externalId: string | null, status: ExecutionStatus, steps: Array<{ id: string, name: string, type: string, status: StepStatus, attempt: number }> } };

export type ClientCompleteExecutionMutationVariables = Exact<{
  id: string | number;
}>;


export type ClientCompleteExecutionMutation = { completeExecution: { id: string, externalId: string | null, status: ExecutionStatus, steps: Array<{ id: string, name: string, type: string, status: StepStatus, attempt: number }> } };

export type ClientFailExecutionMutationVariables = Exact<{
  id: string | number;
  error: string;
}>;


export type ClientFailExecutionMutation = { failExecution: { id: string, externalId: string | null, status: ExecutionStatus, steps: Array<{ id: string, name: string, type: string, status: StepStatus, attempt: number }> } };

export type ClientCancelExecutionMutationVariables = Exact<{
  id: string | number;
  reason?: string | null | undefined;
}>;


export type ClientCancelExecutionMutation = { cancelExecution: { id: string, externalId: string | null, status: ExecutionStatus, steps: Array<{ id: string, name: string, type: string, status: StepStatus, attempt: number }> } };

export type ClientTimeoutExecutionMutationVariables = Exact<{
  id: string | number;
}>;


export type ClientTimeoutExecutionMutation = { timeoutExecution: { id: string, externalId: string | null, status: ExecutionStatus, steps: Array<{ id: string, name: string, type: string, status: StepStatus, attempt: number }> } };

export type ClientStartStepMutationVariables = Exact<{
  stepId: string | number;
}>;


export type ClientStartStepMutation = { startStep: { id: string, executionId: string, status: StepStatus, attempt: number, progressPercent: number } };

export type ClientReportStepProgressMutationVariables = Exact<{
  stepId: string | number;
  percent: number;
  message?: string | null | undefined;
}>;


export type ClientReportStepProgressMutation = { reportStepProgress: { id: string, executionId: string, status: StepStatus, attempt: number, progressPercent: number } };

export type ClientCompleteStepMutationVariables = Exact<{
  stepId: string | number;
}>;


export type ClientCompleteStepMutation = { completeStep: { id: string, executionId: string, status: StepStatus, attempt: number, progressPercent: number } };

export type ClientFailStepMutationVariables = Exact<{
  stepId: string | number;
  error: string;
  retry?: boolean | null | undefined;
}>;


export type ClientFailStepMutation = { failStep: { id: string, executionId: string, status: StepStatus, attempt: number, progressPercent: number } };

export type ClientSkipStepMutationVariables = Exact<{
  stepId: string | number;
  reason?: string | null | undefined;
}>;


export type ClientSkipStepMutation = { skipStep: { id: string, executionId: string, status: StepStatus, attempt: number, progressPercent: number } };

export type ClientRequestApprovalMutationVariables = Exact<{
  stepId: string | number;
  approvers?: Array<string> | string | null | undefined;
  message?: string | null | undefined;
}>;


export type ClientRequestApprovalMutation = { requestApproval: { id: string, executionId: string, status: StepStatus, attempt: number, progressPercent: number } };

export type ClientApproveStepMutationVariables = Exact<{
  stepId: string | number;
  by: string;
  comment?: string | null | undefined;
}>;


export type ClientApproveStepMutation = { approveStep: { id: string, executionId: string, status: StepStatus, attempt: number, progressPercent: number } };

export type ClientRejectStepMutationVariables = Exact<{
  stepId: string | number;
  by: string;
  comment?: string | null | undefined;
}>;


export type ClientRejectStepMutation = { rejectStep: { id: string, executionId: string, status: StepStatus, attempt: number, progressPercent: number } };

export type ClientIngestMutationVariables = Exact<{
  commands: Array<IngestCommand> | IngestCommand;
}>;


export type ClientIngestMutation = { ingest: Array<{ ok: boolean, execution: { id: string, externalId: string | null, status: ExecutionStatus, steps: Array<{ id: string, name: string, type: string, status: StepStatus, attempt: number }> } | null, step: { id: string, executionId: string, status: StepStatus, attempt: number, progressPercent: number } | null, error: { code: string, message: string } | null }> };

export const ClientExecutionFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClientExecution"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Execution"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"steps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}}]}}]}}]} as unknown as DocumentNode<ClientExecutionFragment, unknown>;
export const ClientStepFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClientStep"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"StepProgress"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"executionId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}}]}}]} as unknown as DocumentNode<ClientStepFragment, unknown>;
export const ClientCreateExecutionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ClientCreateExecution"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateExecutionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createExecution"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClientExecution"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClientExecution"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Execution"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"steps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}}]}}]}}]} as unknown as DocumentNode<ClientCreateExecutionMutation, ClientCreateExecutionMutationVariables>;
export const ClientExecutionByExternalIdDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ClientExecutionByExternalId"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"externalId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"executionByExternalId"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"namespace"},"value":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}}},{"kind":"Argument","name":{"kind":"Name","value":"externalId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"externalId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClientExecution"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClientExecution"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Execution"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"steps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}}]}}]}}]} as unknown as DocumentNode<ClientExecutionByExternalIdQuery, ClientExecutionByExternalIdQueryVariables>;
export const ClientQueueExecutionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ClientQueueExecution"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"queueExecution"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClientExecution"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClientExecution"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Execution"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"steps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}}]}}]}}]} as unknown as DocumentNode<ClientQueueExecutionMutation, ClientQueueExecutionMutationVariables>;
export const ClientStartExecutionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ClientStartExecution"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startExecution"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClientExecution"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClientExecution"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Execution"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"steps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}}]}}]}}]} as unknown as DocumentNode<ClientStartExecutionMutation, ClientStartExecutionMutationVariables>;
export const ClientCompleteExecutionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ClientCompleteExecution"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"completeExecution"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClientExecution"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClientExecution"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Execution"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"steps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}}]}}]}}]} as unknown as DocumentNode<ClientCompleteExecutionMutation, ClientCompleteExecutionMutationVariables>;
export const ClientFailExecutionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ClientFailExecution"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"error"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"failExecution"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"error"},"value":{"kind":"Variable","name":{"kind":"Name","value":"error"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClientExecution"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClientExecution"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Execution"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"steps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}}]}}]}}]} as unknown as DocumentNode<ClientFailExecutionMutation, ClientFailExecutionMutationVariables>;
export const ClientCancelExecutionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ClientCancelExecution"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reason"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelExecution"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"reason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reason"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClientExecution"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClientExecution"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Execution"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"steps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}}]}}]}}]} as unknown as DocumentNode<ClientCancelExecutionMutation, ClientCancelExecutionMutationVariables>;
export const ClientTimeoutExecutionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ClientTimeoutExecution"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"timeoutExecution"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClientExecution"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClientExecution"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Execution"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"steps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}}]}}]}}]} as unknown as DocumentNode<ClientTimeoutExecutionMutation, ClientTimeoutExecutionMutationVariables>;
export const ClientStartStepDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ClientStartStep"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"stepId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startStep"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"stepId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"stepId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClientStep"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClientStep"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"StepProgress"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"executionId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}}]}}]} as unknown as DocumentNode<ClientStartStepMutation, ClientStartStepMutationVariables>;
export const ClientReportStepProgressDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ClientReportStepProgress"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"stepId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"percent"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Float"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"message"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reportStepProgress"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"stepId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"stepId"}}},{"kind":"Argument","name":{"kind":"Name","value":"percent"},"value":{"kind":"Variable","name":{"kind":"Name","value":"percent"}}},{"kind":"Argument","name":{"kind":"Name","value":"message"},"value":{"kind":"Variable","name":{"kind":"Name","value":"message"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClientStep"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClientStep"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"StepProgress"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"executionId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}}]}}]} as unknown as DocumentNode<ClientReportStepProgressMutation, ClientReportStepProgressMutationVariables>;
export const ClientCompleteStepDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ClientCompleteStep"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"stepId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"completeStep"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"stepId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"stepId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClientStep"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClientStep"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"StepProgress"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"executionId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}}]}}]} as unknown as DocumentNode<ClientCompleteStepMutation, ClientCompleteStepMutationVariables>;
export const ClientFailStepDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ClientFailStep"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"stepId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"error"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"retry"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"failStep"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"stepId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"stepId"}}},{"kind":"Argument","name":{"kind":"Name","value":"error"},"value":{"kind":"Variable","name":{"kind":"Name","value":"error"}}},{"kind":"Argument","name":{"kind":"Name","value":"retry"},"value":{"kind":"Variable","name":{"kind":"Name","value":"retry"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClientStep"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClientStep"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"StepProgress"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"executionId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}}]}}]} as unknown as DocumentNode<ClientFailStepMutation, ClientFailStepMutationVariables>;
export const ClientSkipStepDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ClientSkipStep"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"stepId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reason"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"skipStep"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"stepId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"stepId"}}},{"kind":"Argument","name":{"kind":"Name","value":"reason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reason"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClientStep"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClientStep"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"StepProgress"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"executionId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}}]}}]} as unknown as DocumentNode<ClientSkipStepMutation, ClientSkipStepMutationVariables>;
export const ClientRequestApprovalDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ClientRequestApproval"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"stepId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"approvers"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"message"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestApproval"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"stepId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"stepId"}}},{"kind":"Argument","name":{"kind":"Name","value":"approvers"},"value":{"kind":"Variable","name":{"kind":"Name","value":"approvers"}}},{"kind":"Argument","name":{"kind":"Name","value":"message"},"value":{"kind":"Variable","name":{"kind":"Name","value":"message"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClientStep"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClientStep"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"StepProgress"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"executionId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}}]}}]} as unknown as DocumentNode<ClientRequestApprovalMutation, ClientRequestApprovalMutationVariables>;
export const ClientApproveStepDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ClientApproveStep"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"stepId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"by"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"comment"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"approveStep"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"stepId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"stepId"}}},{"kind":"Argument","name":{"kind":"Name","value":"by"},"value":{"kind":"Variable","name":{"kind":"Name","value":"by"}}},{"kind":"Argument","name":{"kind":"Name","value":"comment"},"value":{"kind":"Variable","name":{"kind":"Name","value":"comment"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClientStep"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClientStep"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"StepProgress"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"executionId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}}]}}]} as unknown as DocumentNode<ClientApproveStepMutation, ClientApproveStepMutationVariables>;
export const ClientRejectStepDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ClientRejectStep"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"stepId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"by"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"comment"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rejectStep"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"stepId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"stepId"}}},{"kind":"Argument","name":{"kind":"Name","value":"by"},"value":{"kind":"Variable","name":{"kind":"Name","value":"by"}}},{"kind":"Argument","name":{"kind":"Name","value":"comment"},"value":{"kind":"Variable","name":{"kind":"Name","value":"comment"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClientStep"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClientStep"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"StepProgress"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"executionId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}}]}}]} as unknown as DocumentNode<ClientRejectStepMutation, ClientRejectStepMutationVariables>;
export const ClientIngestDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ClientIngest"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"commands"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"IngestCommand"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ingest"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"commands"},"value":{"kind":"Variable","name":{"kind":"Name","value":"commands"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ok"}},{"kind":"Field","name":{"kind":"Name","value":"execution"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClientExecution"}}]}},{"kind":"Field","name":{"kind":"Name","value":"step"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ClientStep"}}]}},{"kind":"Field","name":{"kind":"Name","value":"error"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClientExecution"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Execution"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"steps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ClientStep"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"StepProgress"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"executionId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}}]}}]} as unknown as DocumentNode<ClientIngestMutation, ClientIngestMutationVariables>;