/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment ClientExecution on Execution { id externalId status steps { id name type status attempt } }\n": typeof types.ClientExecutionFragmentDoc,
    "fragment ClientStep on StepProgress { id executionId status attempt progressPercent }": typeof types.ClientStepFragmentDoc,
    "\n  mutation ClientCreateExecution($input: CreateExecutionInput!) { createExecution(input: $input) { ...ClientExecution } }\n": typeof types.ClientCreateExecutionDocument,
    "\n  query ClientExecutionByExternalId($namespace: String, $externalId: String!) {\n    executionByExternalId(namespace: $namespace, externalId: $externalId) { ...ClientExecution }\n  }\n": typeof types.ClientExecutionByExternalIdDocument,
    "mutation ClientQueueExecution($id: ID!) { queueExecution(id: $id) { ...ClientExecution } }": typeof types.ClientQueueExecutionDocument,
    "mutation ClientStartExecution($id: ID!) { startExecution(id: $id) { ...ClientExecution } }": typeof types.ClientStartExecutionDocument,
    "mutation ClientCompleteExecution($id: ID!) { completeExecution(id: $id) { ...ClientExecution } }": typeof types.ClientCompleteExecutionDocument,
    "\n  mutation ClientFailExecution($id: ID!, $error: String!) { failExecution(id: $id, error: $error) { ...ClientExecution } }\n": typeof types.ClientFailExecutionDocument,
    "\n  mutation ClientCancelExecution($id: ID!, $reason: String) { cancelExecution(id: $id, reason: $reason) { ...ClientExecution } }\n": typeof types.ClientCancelExecutionDocument,
    "mutation ClientTimeoutExecution($id: ID!) { timeoutExecution(id: $id) { ...ClientExecution } }": typeof types.ClientTimeoutExecutionDocument,
    "mutation ClientStartStep($stepId: ID!) { startStep(stepId: $stepId) { ...ClientStep } }": typeof types.ClientStartStepDocument,
    "\n  mutation ClientReportStepProgress($stepId: ID!, $percent: Float!, $message: String) {\n    reportStepProgress(stepId: $stepId, percent: $percent, message: $message) { ...ClientStep }\n  }\n": typeof types.ClientReportStepProgressDocument,
    "mutation ClientCompleteStep($stepId: ID!) { completeStep(stepId: $stepId) { ...ClientStep } }": typeof types.ClientCompleteStepDocument,
    "\n  mutation ClientFailStep($stepId: ID!, $error: String!, $retry: Boolean) {\n    failStep(stepId: $stepId, error: $error, retry: $retry) { ...ClientStep }\n  }\n": typeof types.ClientFailStepDocument,
    "\n  mutation ClientSkipStep($stepId: ID!, $reason: String) { skipStep(stepId: $stepId, reason: $reason) { ...ClientStep } }\n": typeof types.ClientSkipStepDocument,
    "\n  mutation ClientRequestApproval($stepId: ID!, $approvers: [String!], $message: String) {\n    requestApproval(stepId: $stepId, approvers: $approvers, message: $message) { ...ClientStep }\n  }\n": typeof types.ClientRequestApprovalDocument,
    "\n  mutation ClientApproveStep($stepId: ID!, $by: String!, $comment: String) {\n    approveStep(stepId: $stepId, by: $by, comment: $comment) { ...ClientStep }\n  }\n": typeof types.ClientApproveStepDocument,
    "\n  mutation ClientRejectStep($stepId: ID!, $by: String!, $comment: String) {\n    rejectStep(stepId: $stepId, by: $by, comment: $comment) { ...ClientStep }\n  }\n": typeof types.ClientRejectStepDocument,
    "\n  mutation ClientIngest($commands: [IngestCommand!]!) {\n    ingest(commands: $commands) { ok execution { ...ClientExecution } step { ...ClientStep } error { code message } }\n  }\n": typeof types.ClientIngestDocument,
};
const documents: Documents = {
    "\n  fragment ClientExecution on Execution { id externalId status steps { id name type status attempt } }\n": types.ClientExecutionFragmentDoc,
    "fragment ClientStep on StepProgress { id executionId status attempt progressPercent }": types.ClientStepFragmentDoc,
    "\n  mutation ClientCreateExecution($input: CreateExecutionInput!) { createExecution(input: $input) { ...ClientExecution } }\n": types.ClientCreateExecutionDocument,
    "\n  query ClientExecutionByExternalId($namespace: String, $externalId: String!) {\n    executionByExternalId(namespace: $namespace, externalId: $externalId) { ...ClientExecution }\n  }\n": types.ClientExecutionByExternalIdDocument,
    "mutation ClientQueueExecution($id: ID!) { queueExecution(id: $id) { ...ClientExecution } }": types.ClientQueueExecutionDocument,
    "mutation ClientStartExecution($id: ID!) { startExecution(id: $id) { ...ClientExecution } }": types.ClientStartExecutionDocument,
    "mutation ClientCompleteExecution($id: ID!) { completeExecution(id: $id) { ...ClientExecution } }": types.ClientCompleteExecutionDocument,
    "\n  mutation ClientFailExecution($id: ID!, $error: String!) { failExecution(id: $id, error: $error) { ...ClientExecution } }\n": types.ClientFailExecutionDocument,
    "\n  mutation ClientCancelExecution($id: ID!, $reason: String) { cancelExecution(id: $id, reason: $reason) { ...ClientExecution } }\n": types.ClientCancelExecutionDocument,
    "mutation ClientTimeoutExecution($id: ID!) { timeoutExecution(id: $id) { ...ClientExecution } }": types.ClientTimeoutExecutionDocument,
    "mutation ClientStartStep($stepId: ID!) { startStep(stepId: $stepId) { ...ClientStep } }": types.ClientStartStepDocument,
    "\n  mutation ClientReportStepProgress($stepId: ID!, $percent: Float!, $message: String) {\n    reportStepProgress(stepId: $stepId, percent: $percent, message: $message) { ...ClientStep }\n  }\n": types.ClientReportStepProgressDocument,
    "mutation ClientCompleteStep($stepId: ID!) { completeStep(stepId: $stepId) { ...ClientStep } }": types.ClientCompleteStepDocument,
    "\n  mutation ClientFailStep($stepId: ID!, $error: String!, $retry: Boolean) {\n    failStep(stepId: $stepId, error: $error, retry: $retry) { ...ClientStep }\n  }\n": types.ClientFailStepDocument,
    "\n  mutation ClientSkipStep($stepId: ID!, $reason: String) { skipStep(stepId: $stepId, reason: $reason) { ...ClientStep } }\n": types.ClientSkipStepDocument,
    "\n  mutation ClientRequestApproval($stepId: ID!, $approvers: [String!], $message: String) {\n    requestApproval(stepId: $stepId, approvers: $approvers, message: $message) { ...ClientStep }\n  }\n": types.ClientRequestApprovalDocument,
    "\n  mutation ClientApproveStep($stepId: ID!, $by: String!, $comment: String) {\n    approveStep(stepId: $stepId, by: $by, comment: $comment) { ...ClientStep }\n  }\n": types.ClientApproveStepDocument,
    "\n  mutation ClientRejectStep($stepId: ID!, $by: String!, $comment: String) {\n    rejectStep(stepId: $stepId, by: $by, comment: $comment) { ...ClientStep }\n  }\n": types.ClientRejectStepDocument,
    "\n  mutation ClientIngest($commands: [IngestCommand!]!) {\n    ingest(commands: $commands) { ok execution { ...ClientExecution } step { ...ClientStep } error { code message } }\n  }\n": types.ClientIngestDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ClientExecution on Execution { id externalId status steps { id name type status attempt } }\n"): (typeof documents)["\n  fragment ClientExecution on Execution { id externalId status steps { id name type status attempt } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment ClientStep on StepProgress { id executionId status attempt progressPercent }"): (typeof documents)["fragment ClientStep on StepProgress { id executionId status attempt progressPercent }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClientCreateExecution($input: CreateExecutionInput!) { createExecution(input: $input) { ...ClientExecution } }\n"): (typeof documents)["\n  mutation ClientCreateExecution($input: CreateExecutionInput!) { createExecution(input: $input) { ...ClientExecution } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClientExecutionByExternalId($namespace: String, $externalId: String!) {\n    executionByExternalId(namespace: $namespace, externalId: $externalId) { ...ClientExecution }\n  }\n"): (typeof documents)["\n  query ClientExecutionByExternalId($namespace: String, $externalId: String!) {\n    executionByExternalId(namespace: $namespace, externalId: $externalId) { ...ClientExecution }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ClientQueueExecution($id: ID!) { queueExecution(id: $id) { ...ClientExecution } }"): (typeof documents)["mutation ClientQueueExecution($id: ID!) { queueExecution(id: $id) { ...ClientExecution } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ClientStartExecution($id: ID!) { startExecution(id: $id) { ...ClientExecution } }"): (typeof documents)["mutation ClientStartExecution($id: ID!) { startExecution(id: $id) { ...ClientExecution } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ClientCompleteExecution($id: ID!) { completeExecution(id: $id) { ...ClientExecution } }"): (typeof documents)["mutation ClientCompleteExecution($id: ID!) { completeExecution(id: $id) { ...ClientExecution } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClientFailExecution($id: ID!, $error: String!) { failExecution(id: $id, error: $error) { ...ClientExecution } }\n"): (typeof documents)["\n  mutation ClientFailExecution($id: ID!, $error: String!) { failExecution(id: $id, error: $error) { ...ClientExecution } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClientCancelExecution($id: ID!, $reason: String) { cancelExecution(id: $id, reason: $reason) { ...ClientExecution } }\n"): (typeof documents)["\n  mutation ClientCancelExecution($id: ID!, $reason: String) { cancelExecution(id: $id, reason: $reason) { ...ClientExecution } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ClientTimeoutExecution($id: ID!) { timeoutExecution(id: $id) { ...ClientExecution } }"): (typeof documents)["mutation ClientTimeoutExecution($id: ID!) { timeoutExecution(id: $id) { ...ClientExecution } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ClientStartStep($stepId: ID!) { startStep(stepId: $stepId) { ...ClientStep } }"): (typeof documents)["mutation ClientStartStep($stepId: ID!) { startStep(stepId: $stepId) { ...ClientStep } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClientReportStepProgress($stepId: ID!, $percent: Float!, $message: String) {\n    reportStepProgress(stepId: $stepId, percent: $percent, message: $message) { ...ClientStep }\n  }\n"): (typeof documents)["\n  mutation ClientReportStepProgress($stepId: ID!, $percent: Float!, $message: String) {\n    reportStepProgress(stepId: $stepId, percent: $percent, message: $message) { ...ClientStep }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ClientCompleteStep($stepId: ID!) { completeStep(stepId: $stepId) { ...ClientStep } }"): (typeof documents)["mutation ClientCompleteStep($stepId: ID!) { completeStep(stepId: $stepId) { ...ClientStep } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClientFailStep($stepId: ID!, $error: String!, $retry: Boolean) {\n    failStep(stepId: $stepId, error: $error, retry: $retry) { ...ClientStep }\n  }\n"): (typeof documents)["\n  mutation ClientFailStep($stepId: ID!, $error: String!, $retry: Boolean) {\n    failStep(stepId: $stepId, error: $error, retry: $retry) { ...ClientStep }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClientSkipStep($stepId: ID!, $reason: String) { skipStep(stepId: $stepId, reason: $reason) { ...ClientStep } }\n"): (typeof documents)["\n  mutation ClientSkipStep($stepId: ID!, $reason: String) { skipStep(stepId: $stepId, reason: $reason) { ...ClientStep } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClientRequestApproval($stepId: ID!, $approvers: [String!], $message: String) {\n    requestApproval(stepId: $stepId, approvers: $approvers, message: $message) { ...ClientStep }\n  }\n"): (typeof documents)["\n  mutation ClientRequestApproval($stepId: ID!, $approvers: [String!], $message: String) {\n    requestApproval(stepId: $stepId, approvers: $approvers, message: $message) { ...ClientStep }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClientApproveStep($stepId: ID!, $by: String!, $comment: String) {\n    approveStep(stepId: $stepId, by: $by, comment: $comment) { ...ClientStep }\n  }\n"): (typeof documents)["\n  mutation ClientApproveStep($stepId: ID!, $by: String!, $comment: String) {\n    approveStep(stepId: $stepId, by: $by, comment: $comment) { ...ClientStep }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClientRejectStep($stepId: ID!, $by: String!, $comment: String) {\n    rejectStep(stepId: $stepId, by: $by, comment: $comment) { ...ClientStep }\n  }\n"): (typeof documents)["\n  mutation ClientRejectStep($stepId: ID!, $by: String!, $comment: String) {\n    rejectStep(stepId: $stepId, by: $by, comment: $comment) { ...ClientStep }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClientIngest($commands: [IngestCommand!]!) {\n    ingest(commands: $commands) { ok execution { ...ClientExecution } step { ...ClientStep } error { code message } }\n  }\n"): (typeof documents)["\n  mutation ClientIngest($commands: [IngestCommand!]!) {\n    ingest(commands: $commands) { ok execution { ...ClientExecution } step { ...ClientStep } error { code message } }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;