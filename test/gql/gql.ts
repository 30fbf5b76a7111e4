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
    "\n  fragment RuleFields on AlertRuleSettings {\n    rule namespace systemWide\n    enabled { value source } severity { value source } threshold { value source } windowMs { value source }\n    minSample { value source } pendingMs { value source } holdMs { value source }\n  }\n": typeof types.RuleFieldsFragmentDoc,
    "query AlertRules($namespace: String) { alertRules(namespace: $namespace) { ...RuleFields } }": typeof types.AlertRulesDocument,
    "mutation SetAlertRule($input: SetAlertRuleInput!) { setAlertRule(input: $input) { ...RuleFields } }": typeof types.SetAlertRuleDocument,
    "mutation ResetAlertRule($namespace: String!, $rule: AlertRuleName!) { resetAlertRule(namespace: $namespace, rule: $rule) { ...RuleFields } }": typeof types.ResetAlertRuleDocument,
    "query RuleOpenAlerts { alerts(status: [PENDING, FIRING], first: 100) { edges { node { rule namespace status value threshold severity } } } }": typeof types.RuleOpenAlertsDocument,
    "\n  query GroupedAlerts($status: [AlertStatus!]) {\n    alerts(status: $status, first: 20) {\n      edges {\n        node {\n          id fingerprint rule status namespace workflow message value threshold occurrences resolvedAt\n          executions(first: 100) { edges { node { id workflow slaBreachedAt timeoutBreachedAt } } pageInfo { hasNextPage } }\n        }\n      }\n    }\n  }\n": typeof types.GroupedAlertsDocument,
    "\n  query AlertExecutionsPage($id: ID!, $after: String) {\n    node(id: $id) { ... on Alert { executions(first: 30, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }\n  }\n": typeof types.AlertExecutionsPageDocument,
    "mutation StormIngest($commands: [IngestCommand!]!) { ingest(commands: $commands) { ok error { code } execution { id } } }": typeof types.StormIngestDocument,
    "\n  query BreachHistory($id: ID!) {\n    execution(id: $id) { slaBreachedAt timeoutBreachedAt events(first: 50) { edges { node { seq type data } } } }\n  }\n": typeof types.BreachHistoryDocument,
    "\n  query BreachEvents($types: [EventType!]) { events(filter: { namespace: \"storm\", types: $types }, first: 500) { edges { node { executionId type } } } }\n": typeof types.BreachEventsDocument,
    "mutation ResolveGrouped($id: ID!) { resolveAlert(id: $id) { id status } }": typeof types.ResolveGroupedDocument,
    "query BrowserAlerts { alerts(first: 50) { edges { node { id rule status acknowledgedBy } } } }": typeof types.BrowserAlertsDocument,
    "query BrowserSilences { silences(state: [ACTIVE]) { edges { node { id comment matchers { label value } } } } }": typeof types.BrowserSilencesDocument,
    "\n  query DemoStatuses { executions(first: 500) { edges { node { status workflow steps { status attempt } } } } }\n": typeof types.DemoStatusesDocument,
    "\n  fragment ExecutionFields on Execution {\n    id namespace workflow externalId status labels error createdAt queuedAt startedAt finishedAt\n    queueTimeMs durationMs slaMs timeoutMs slaViolated\n    steps { id executionId position name type status progressPercent message attempt error startedAt finishedAt durationMs }\n    progress {\n      executionId status totalSteps completedSteps failedSteps runningSteps pendingSteps skippedSteps\n      progressPercent elapsedMs estimatedRemainingMs estimatedCompletion\n      currentStep { id name status }\n    }\n  }\n": typeof types.ExecutionFieldsFragmentDoc,
    "\n  fragment StepFields on StepProgress {\n    id executionId position name type status progressPercent message attempt error startedAt finishedAt durationMs\n  }\n": typeof types.StepFieldsFragmentDoc,
    "\n  mutation CreateExecution($input: CreateExecutionInput!) { createExecution(input: $input) { ...ExecutionFields } }\n": typeof types.CreateExecutionDocument,
    "mutation QueueExecution($id: ID!) { queueExecution(id: $id) { ...ExecutionFields } }": typeof types.QueueExecutionDocument,
    "mutation StartExecution($id: ID!) { startExecution(id: $id) { ...ExecutionFields } }": typeof types.StartExecutionDocument,
    "mutation CompleteExecution($id: ID!) { completeExecution(id: $id) { ...ExecutionFields } }": typeof types.CompleteExecutionDocument,
    "mutation FailExecution($id: ID!, $error: String!) { failExecution(id: $id, error: $error) { ...ExecutionFields } }": typeof types.FailExecutionDocument,
    "mutation CancelExecution($id: ID!, $reason: String) { cancelExecution(id: $id, reason: $reason) { ...ExecutionFields } }": typeof types.CancelExecutionDocument,
    "mutation TimeoutExecution($id: ID!) { timeoutExecution(id: $id) { ...ExecutionFields } }": typeof types.TimeoutExecutionDocument,
    "mutation StartStep($stepId: ID!) { startStep(stepId: $stepId) { ...StepFields } }": typeof types.StartStepDocument,
    "\n  mutation ReportStepProgress($stepId: ID!, $percent: Float!, $message: String) {\n    reportStepProgress(stepId: $stepId, percent: $percent, message: $message) { ...StepFields }\n  }\n": typeof types.ReportStepProgressDocument,
    "mutation CompleteStep($stepId: ID!) { completeStep(stepId: $stepId) { ...StepFields } }": typeof types.CompleteStepDocument,
    "\n  mutation FailStep($stepId: ID!, $error: String!, $retry: Boolean) { failStep(stepId: $stepId, error: $error, retry: $retry) { ...StepFields } }\n": typeof types.FailStepDocument,
    "mutation SkipStep($stepId: ID!, $reason: String) { skipStep(stepId: $stepId, reason: $reason) { ...StepFields } }": typeof types.SkipStepDocument,
    "\n  mutation RequestApproval($stepId: ID!, $approvers: [String!], $message: String) {\n    requestApproval(stepId: $stepId, approvers: $approvers, message: $message) { ...StepFields }\n  }\n": typeof types.RequestApprovalDocument,
    "\n  mutation ApproveStep($stepId: ID!, $by: String!, $comment: String) { approveStep(stepId: $stepId, by: $by, comment: $comment) { ...StepFields } }\n": typeof types.ApproveStepDocument,
    "\n  mutation RejectStep($stepId: ID!, $by: String!, $comment: String) { rejectStep(stepId: $stepId, by: $by, comment: $comment) { ...StepFields } }\n": typeof types.RejectStepDocument,
    "query GetExecution($id: ID!) { execution(id: $id) { ...ExecutionFields } }": typeof types.GetExecutionDocument,
    "\n  query GetNode($id: ID!) {\n    node(id: $id) {\n      __typename id\n      ... on Execution { workflow }\n      ... on StepProgress { name }\n      ... on ExecutionEvent { type seq }\n    }\n  }\n": typeof types.GetNodeDocument,
    "\n  query ListExecutions($filter: ExecutionFilter, $first: Int, $after: String) {\n    executions(filter: $filter, first: $first, after: $after) {\n      edges { cursor node { id workflow namespace status createdAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.ListExecutionsDocument,
    "\n  query ExecutionsWithSteps($first: Int) {\n    executions(first: $first) {\n      edges { node { id steps { id name status } progress { progressPercent currentStep { id } } } }\n    }\n  }\n": typeof types.ExecutionsWithStepsDocument,
    "\n  query ActiveExecutions($namespace: String) {\n    activeExecutions(namespace: $namespace) { executionId status progressPercent totalSteps currentStep { name } }\n  }\n": typeof types.ActiveExecutionsDocument,
    "\n  fragment EventFields on ExecutionEvent { id cursor seq type namespace executionId stepId data timestamp }\n": typeof types.EventFieldsFragmentDoc,
    "\n  query ListEvents($filter: EventFilter, $first: Int, $after: String) {\n    events(filter: $filter, first: $first, after: $after) {\n      edges { cursor node { ...EventFields } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.ListEventsDocument,
    "\n  query ExecutionEvents($id: ID!, $first: Int, $after: String) {\n    execution(id: $id) { events(first: $first, after: $after) { edges { node { ...EventFields } } pageInfo { hasNextPage endCursor } } }\n  }\n": typeof types.ExecutionEventsDocument,
    "\n  subscription LiveEvents($filter: EventFilter, $after: String) { events(filter: $filter, after: $after) { ...EventFields } }\n": typeof types.LiveEventsDocument,
    "\n  subscription LiveProgress($executionId: ID!) {\n    executionProgress(executionId: $executionId) { executionId status progressPercent completedSteps totalSteps currentStep { name } }\n  }\n": typeof types.LiveProgressDocument,
    "\n  mutation Ingest($commands: [IngestCommand!]!) {\n    ingest(commands: $commands) {\n      ok\n      error { code message }\n      execution { id namespace externalId status error steps { id status } }\n      step { ...IngestStep }\n    }\n  }\n  fragment IngestStep on StepProgress { id status progressPercent message attempt error }\n": typeof types.IngestDocument,
    "mutation IngestOk($commands: [IngestCommand!]!) { ingest(commands: $commands) { ok } }": typeof types.IngestOkDocument,
    "\n  query IngestLog($id: ID!) {\n    execution(id: $id) {\n      status error\n      steps { ...IngestStep }\n      events(first: 500) { edges { node { seq type stepId data } } }\n    }\n  }\n": typeof types.IngestLogDocument,
    "\n  query IngestCounts($workflow: String!, $from: DateTime!, $to: DateTime!) {\n    metrics(workflow: $workflow, from: $from, to: $to, exact: false) {\n      total completed failed cancelled timedOut queued\n      steps { type total completed failed skipped retries }\n    }\n  }\n": typeof types.IngestCountsDocument,
    "query LeaderHealth { health { components { component status message } } }": typeof types.LeaderHealthDocument,
    "query LeaderQueueAlerts { alerts(first: 100) { edges { node { rule namespace occurrences } } } }": typeof types.LeaderQueueAlertsDocument,
    "\n  subscription SeqProgress($executionId: ID!) {\n    executionProgress(executionId: $executionId) { seq status progressPercent completedSteps runningSteps doneSteps totalSteps }\n  }\n": typeof types.SeqProgressDocument,
    "\n  query SeqProgressOf($id: ID!) {\n    execution(id: $id) { progress { seq status progressPercent completedSteps runningSteps doneSteps totalSteps } }\n  }\n": typeof types.SeqProgressOfDocument,
    "mutation ProgressIngest($commands: [IngestCommand!]!) { ingest(commands: $commands) { ok } }": typeof types.ProgressIngestDocument,
    "\n  fragment MetricsDurationFields on DurationStats { count avgMs minMs maxMs p50Ms p95Ms p99Ms }\n": typeof types.MetricsDurationFieldsFragmentDoc,
    "\n  fragment MetricsStepFields on StepMetrics {\n    type total completed failed skipped retries successRate firstAttemptSuccessRate duration { ...MetricsDurationFields }\n  }\n": typeof types.MetricsStepFieldsFragmentDoc,
    "\n  query MetricsWindow($from: DateTime, $to: DateTime, $namespace: String, $workflow: String, $exact: Boolean) {\n    metrics(from: $from, to: $to, namespace: $namespace, workflow: $workflow, exact: $exact) {\n      from to exact total completed failed cancelled timedOut running queued successRate failureRate timeoutRate\n      duration { ...MetricsDurationFields } queueTime { ...MetricsDurationFields }\n      slaTracked slaViolations slaComplianceRate\n      steps { ...MetricsStepFields }\n    }\n  }\n": typeof types.MetricsWindowDocument,
    "\n  query MetricsSteps($from: DateTime, $to: DateTime, $namespace: String, $exact: Boolean) {\n    stepMetrics(from: $from, to: $to, namespace: $namespace, exact: $exact) { ...MetricsStepFields }\n  }\n": typeof types.MetricsStepsDocument,
    "\n  query MetricsTimeseries($from: DateTime!, $to: DateTime!, $bucket: BucketSize!, $namespace: String, $exact: Boolean) {\n    metricsTimeseries(from: $from, to: $to, bucket: $bucket, namespace: $namespace, exact: $exact) {\n      start end total completed failed timedOut p50Ms p95Ms p99Ms\n    }\n  }\n": typeof types.MetricsTimeseriesDocument,
    "\n  query MetricsSystem($namespace: String) {\n    systemMetrics(namespace: $namespace) { activeExecutions queueDepth oldestQueuedAgeMs eventsLastMinute liveSubscriptions checkedAt }\n  }\n": typeof types.MetricsSystemDocument,
    "\n  query MetricsSummaryQuery($namespace: String) {\n    metricsSummary(namespace: $namespace) {\n      lastHour { from to total exact }\n      lastDay { from to total completed duration { ...MetricsDurationFields } }\n      system { activeExecutions queueDepth }\n    }\n  }\n": typeof types.MetricsSummaryQueryDocument,
    "\n  mutation MetricsCreate($input: CreateExecutionInput!) { createExecution(input: $input) { id steps { id type } } }\n": typeof types.MetricsCreateDocument,
    "mutation MetricsStart($id: ID!) { startExecution(id: $id) { id } }": typeof types.MetricsStartDocument,
    "mutation MetricsComplete($id: ID!) { completeExecution(id: $id) { id } }": typeof types.MetricsCompleteDocument,
    "mutation MetricsFail($id: ID!) { failExecution(id: $id, error: \"boom\") { id } }": typeof types.MetricsFailDocument,
    "mutation MetricsCancel($id: ID!) { cancelExecution(id: $id) { id } }": typeof types.MetricsCancelDocument,
    "mutation MetricsTimeout($id: ID!) { timeoutExecution(id: $id) { id } }": typeof types.MetricsTimeoutDocument,
    "mutation MetricsStepStart($id: ID!) { startStep(stepId: $id) { id } }": typeof types.MetricsStepStartDocument,
    "mutation MetricsStepComplete($id: ID!) { completeStep(stepId: $id) { id } }": typeof types.MetricsStepCompleteDocument,
    "\n  mutation MetricsStepFail($id: ID!, $retry: Boolean) { failStep(stepId: $id, error: \"nope\", retry: $retry) { id attempt status } }\n": typeof types.MetricsStepFailDocument,
    "mutation MetricsStepSkip($id: ID!) { skipStep(stepId: $id) { id } }": typeof types.MetricsStepSkipDocument,
    "subscription MetricsSubscribe { events { id } }": typeof types.MetricsSubscribeDocument,
    "\n  query MonitoringAlerts($status: [AlertStatus!], $first: Int) {\n    alerts(status: $status, first: $first) {\n      edges { node { id fingerprint rule severity status namespace workflow message value threshold occurrences firstSeenAt lastSeenAt acknowledgedAt acknowledgedBy resolvedAt } }\n    }\n  }\n": typeof types.MonitoringAlertsDocument,
    "\n  query MonitoringHealth { health { status checkedAt components { component status message latencyMs observedValue threshold since checkedAt } } }\n": typeof types.MonitoringHealthDocument,
    "mutation MonitoringAcknowledge($id: ID!, $by: String!) { acknowledgeAlert(id: $id, by: $by) { id status acknowledgedBy } }": typeof types.MonitoringAcknowledgeDocument,
    "mutation MonitoringResolve($id: ID!) { resolveAlert(id: $id) { id status resolvedAt } }": typeof types.MonitoringResolveDocument,
    "\n  query MonitoringAlertEvents { events(filter: { types: [SYSTEM_ALERT, SYSTEM_HEALTH] }, first: 500) { edges { node { type namespace seq data } } } }\n": typeof types.MonitoringAlertEventsDocument,
    "subscription MonitoringLiveAlerts { alerts { id fingerprint rule status namespace message } }": typeof types.MonitoringLiveAlertsDocument,
    "\n  mutation NotifyCreateReceiver($input: CreateAlertReceiverInput!) {\n    createAlertReceiver(input: $input) { id name kind url hasSecret timeoutMs namespace }\n  }\n": typeof types.NotifyCreateReceiverDocument,
    "\n  mutation NotifyUpdateReceiver($id: ID!, $input: UpdateAlertReceiverInput!) {\n    updateAlertReceiver(id: $id, input: $input) { id name url hasSecret timeoutMs }\n  }\n": typeof types.NotifyUpdateReceiverDocument,
    "mutation NotifyDeleteReceiver($id: ID!) { deleteAlertReceiver(id: $id) { id } }": typeof types.NotifyDeleteReceiverDocument,
    "query NotifyReceivers { alertReceivers { id name kind url hasSecret namespace } }": typeof types.NotifyReceiversDocument,
    "\n  mutation NotifyCreateRoute($input: CreateAlertRouteInput!) {\n    createAlertRoute(input: $input) {\n      id namespaces groupBy groupWaitMs groupIntervalMs repeatIntervalMs sendResolved continue position\n      receiver { id name } matchers { label operator value }\n    }\n  }\n": typeof types.NotifyCreateRouteDocument,
    "\n  mutation NotifyUpdateRoute($id: ID!, $input: UpdateAlertRouteInput!) { updateAlertRoute(id: $id, input: $input) { id groupWaitMs position } }\n": typeof types.NotifyUpdateRouteDocument,
    "mutation NotifyDeleteRoute($id: ID!) { deleteAlertRoute(id: $id) { id } }": typeof types.NotifyDeleteRouteDocument,
    "query NotifyRoutes { alertRoutes { id namespaces position receiver { id } } }": typeof types.NotifyRoutesDocument,
    "\n  mutation NotifyCreateSilence($input: CreateSilenceInput!) {\n    createSilence(input: $input) { id state startsAt endsAt comment createdBy namespaces matchers { label operator value } }\n  }\n": typeof types.NotifyCreateSilenceDocument,
    "mutation NotifyExpireSilence($id: ID!) { expireSilence(id: $id) { id state endsAt } }": typeof types.NotifyExpireSilenceDocument,
    "\n  query NotifySilences($state: [SilenceState!], $first: Int, $after: String) {\n    silences(state: $state, first: $first, after: $after) { edges { cursor node { id state namespaces } } pageInfo { hasNextPage endCursor } }\n  }\n": typeof types.NotifySilencesDocument,
    "\n  query NotifyDeliveries($filter: AlertDeliveryFilter, $first: Int) {\n    alertDeliveries(filter: $filter, first: $first) {\n      edges {\n        node {\n          id idempotencyKey status attempts lastStatusCode lastError nextAttemptAt createdAt deliveredAt firingCount resolvedCount groupKey\n          receiver { name kind }\n          alerts { id rule namespace status }\n        }\n      }\n    }\n  }\n": typeof types.NotifyDeliveriesDocument,
    "\n  query NotifyAlerts($status: [AlertStatus!]) {\n    alerts(status: $status, first: 100) {\n      edges { node { id rule namespace status silenced silencedBy { id } deliveries(first: 10) { idempotencyKey status firingCount resolvedCount } } }\n    }\n  }\n": typeof types.NotifyAlertsDocument,
    "\n  query NotifyAlertRules($status: [AlertStatus!]) { alerts(status: $status, first: 500) { edges { node { id rule namespace status } } } }\n": typeof types.NotifyAlertRulesDocument,
    "\n  fragment EtaProgressFields on ExecutionProgress {\n    executionId status seq totalSteps completedSteps failedSteps cancelledSteps timedOutSteps runningSteps pendingSteps skippedSteps doneSteps\n    progressPercent elapsedMs estimatedRemainingMs estimatedRemainingP90Ms estimatedCompletion estimatedStartAt\n    estimatedStartEarliestAt estimatedStartLatestAt queueEtaBasis\n    percentByTime isOverrunning etaBasis\n    currentStep { id name status }\n  }\n": typeof types.EtaProgressFieldsFragmentDoc,
    "\n  query ExecutionProgressOf($id: ID!) {\n    execution(id: $id) {\n      id status\n      progress { ...EtaProgressFields }\n      steps { id name type status expectedDurationMs }\n    }\n  }\n": typeof types.ExecutionProgressOfDocument,
    "\n  query ActiveProgress($namespace: String) { activeExecutions(namespace: $namespace) { ...EtaProgressFields } }\n": typeof types.ActiveProgressDocument,
    "\n  subscription LiveEtaProgress($executionId: ID!) { executionProgress(executionId: $executionId) { ...EtaProgressFields } }\n": typeof types.LiveEtaProgressDocument,
    "\n  mutation PromCreate($input: CreateExecutionInput!) { createExecution(input: $input) { id } }\n": typeof types.PromCreateDocument,
    "mutation PromStart($id: ID!) { startExecution(id: $id) { id } }": typeof types.PromStartDocument,
    "mutation PromComplete($id: ID!) { completeExecution(id: $id) { id } }": typeof types.PromCompleteDocument,
    "query PromProgress($id: ID!) { execution(id: $id) { progress { progressPercent } } }": typeof types.PromProgressDocument,
    "mutation PromFail($id: ID!) { failExecution(id: $id, error: \"x\") { id } }": typeof types.PromFailDocument,
    "\n  query NewestEvents($filter: EventFilter, $last: Int, $first: Int) {\n    events(filter: $filter, last: $last, first: $first) {\n      edges { node { id type execution { id workflow } step { id name } } }\n      pageInfo { hasNextPage hasPreviousPage endCursor }\n    }\n  }\n": typeof types.NewestEventsDocument,
    "query Viewer { viewer { name scopes namespaces } }": typeof types.ViewerDocument,
    "\n  query TransitionsSnapshot($id: ID!) {\n    execution(id: $id) {\n      id status error queuedAt startedAt finishedAt\n      steps { id status attempt progressPercent message error startedAt finishedAt }\n      events(first: 500) { edges { node { seq type stepId } } pageInfo { hasNextPage } }\n    }\n  }\n": typeof types.TransitionsSnapshotDocument,
    "\n  query TransitionsCountExecutions {\n    executions(first: 500) { edges { node { id } } pageInfo { hasNextPage } }\n  }\n": typeof types.TransitionsCountExecutionsDocument,
};
const documents: Documents = {
    "\n  fragment RuleFields on AlertRuleSettings {\n    rule namespace systemWide\n    enabled { value source } severity { value source } threshold { value source } windowMs { value source }\n    minSample { value source } pendingMs { value source } holdMs { value source }\n  }\n": types.RuleFieldsFragmentDoc,
    "query AlertRules($namespace: String) { alertRules(namespace: $namespace) { ...RuleFields } }": types.AlertRulesDocument,
    "mutation SetAlertRule($input: SetAlertRuleInput!) { setAlertRule(input: $input) { ...RuleFields } }": types.SetAlertRuleDocument,
    "mutation ResetAlertRule($namespace: String!, $rule: AlertRuleName!) { resetAlertRule(namespace: $namespace, rule: $rule) { ...RuleFields } }": types.ResetAlertRuleDocument,
    "query RuleOpenAlerts { alerts(status: [PENDING, FIRING], first: 100) { edges { node { rule namespace status value threshold severity } } } }": types.RuleOpenAlertsDocument,
    "\n  query GroupedAlerts($status: [AlertStatus!]) {\n    alerts(status: $status, first: 20) {\n      edges {\n        node {\n          id fingerprint rule status namespace workflow message value threshold occurrences resolvedAt\n          executions(first: 100) { edges { node { id workflow slaBreachedAt timeoutBreachedAt } } pageInfo { hasNextPage } }\n        }\n      }\n    }\n  }\n": types.GroupedAlertsDocument,
    "\n  query AlertExecutionsPage($id: ID!, $after: String) {\n    node(id: $id) { ... on Alert { executions(first: 30, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }\n  }\n": types.AlertExecutionsPageDocument,
    "mutation StormIngest($commands: [IngestCommand!]!) { ingest(commands: $commands) { ok error { code } execution { id } } }": types.StormIngestDocument,
    "\n  query BreachHistory($id: ID!) {\n    execution(id: $id) { slaBreachedAt timeoutBreachedAt events(first: 50) { edges { node { seq type data } } } }\n  }\n": types.BreachHistoryDocument,
    "\n  query BreachEvents($types: [EventType!]) { events(filter: { namespace: \"storm\", types: $types }, first: 500) { edges { node { executionId type } } } }\n": types.BreachEventsDocument,
    "mutation ResolveGrouped($id: ID!) { resolveAlert(id: $id) { id status } }": types.ResolveGroupedDocument,
    "query BrowserAlerts { alerts(first: 50) { edges { node { id rule status acknowledgedBy } } } }": types.BrowserAlertsDocument,
    "query BrowserSilences { silences(state: [ACTIVE]) { edges { node { id comment matchers { label value } } } } }": types.BrowserSilencesDocument,
    "\n  query DemoStatuses { executions(first: 500) { edges { node { status workflow steps { status attempt } } } } }\n": types.DemoStatusesDocument,
    "\n  fragment ExecutionFields on Execution {\n    id namespace workflow externalId status labels error createdAt queuedAt startedAt finishedAt\n    queueTimeMs durationMs slaMs timeoutMs slaViolated\n    steps { id executionId position name type status progressPercent message attempt error startedAt finishedAt durationMs }\n    progress {\n      executionId status totalSteps completedSteps failedSteps runningSteps pendingSteps skippedSteps\n      progressPercent elapsedMs estimatedRemainingMs estimatedCompletion\n      currentStep { id name status }\n    }\n  }\n": types.ExecutionFieldsFragmentDoc,
    "\n  fragment StepFields on StepProgress {\n    id executionId position name type status progressPercent message attempt error startedAt finishedAt durationMs\n  }\n": types.StepFieldsFragmentDoc,
    "\n  mutation CreateExecution($input: CreateExecutionInput!) { createExecution(input: $input) { ...ExecutionFields } }\n": types.CreateExecutionDocument,
    "mutation QueueExecution($id: ID!) { queueExecution(id: $id) { ...ExecutionFields } }": types.QueueExecutionDocument,
    "mutation StartExecution($id: ID!) { startExecution(id: $id) { ...ExecutionFields } }": types.StartExecutionDocument,
    "mutation CompleteExecution($id: ID!) { completeExecution(id: $id) { ...ExecutionFields } }": types.CompleteExecutionDocument,
    "mutation FailExecution($id: ID!, $error: String!) { failExecution(id: $id, error: $error) { ...ExecutionFields } }": types.FailExecutionDocument,
    "mutation CancelExecution($id: ID!, $reason: String) { cancelExecution(id: $id, reason: $reason) { ...ExecutionFields } }": types.CancelExecutionDocument,
    "mutation TimeoutExecution($id: ID!) { timeoutExecution(id: $id) { ...ExecutionFields } }": types.TimeoutExecutionDocument,
    "mutation StartStep($stepId: ID!) { startStep(stepId: $stepId) { ...StepFields } }": types.StartStepDocument,
    "\n  mutation ReportStepProgress($stepId: ID!, $percent: Float!, $message: String) {\n    reportStepProgress(stepId: $stepId, percent: $percent, message: $message) { ...StepFields }\n  }\n": types.ReportStepProgressDocument,
    "mutation CompleteStep($stepId: ID!) { completeStep(stepId: $stepId) { ...StepFields } }": types.CompleteStepDocument,
    "\n  mutation FailStep($stepId: ID!, $error: String!, $retry: Boolean) { failStep(stepId: $stepId, error: $error, retry: $retry) { ...StepFields } }\n": types.FailStepDocument,
    "mutation SkipStep($stepId: ID!, $reason: String) { skipStep(stepId: $stepId, reason: $reason) { ...StepFields } }": types.SkipStepDocument,
    "\n  mutation RequestApproval($stepId: ID!, $approvers: [String!], $message: String) {\n    requestApproval(stepId: $stepId, approvers: $approvers, message: $message) { ...StepFields }\n  }\n": types.RequestApprovalDocument,
    "\n  mutation ApproveStep($stepId: ID!, $by: String!, $comment: String) { approveStep(stepId: $stepId, by: $by, comment: $comment) { ...StepFields } }\n": types.ApproveStepDocument,
    "\n  mutation RejectStep($stepId: ID!, $by: String!, $comment: String) { rejectStep(stepId: $stepId, by: $by, comment: $comment) { ...StepFields } }\n": types.RejectStepDocument,
    "query GetExecution($id: ID!) { execution(id: $id) { ...ExecutionFields } }": types.GetExecutionDocument,
    "\n  query GetNode($id: ID!) {\n    node(id: $id) {\n      __typename id\n      ... on Execution { workflow }\n      ... on StepProgress { name }\n      ... on ExecutionEvent { type seq }\n    }\n  }\n": types.GetNodeDocument,
    "\n  query ListExecutions($filter: ExecutionFilter, $first: Int, $after: String) {\n    executions(filter: $filter, first: $first, after: $after) {\n      edges { cursor node { id workflow namespace status createdAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.ListExecutionsDocument,
    "\n  query ExecutionsWithSteps($first: Int) {\n    executions(first: $first) {\n      edges { node { id steps { id name status } progress { progressPercent currentStep { id } } } }\n    }\n  }\n": types.ExecutionsWithStepsDocument,
    "\n  query ActiveExecutions($namespace: String) {\n    activeExecutions(namespace: $namespace) { executionId status progressPercent totalSteps currentStep { name } }\n  }\n": types.ActiveExecutionsDocument,
    "\n  fragment EventFields on ExecutionEvent { id cursor seq type namespace executionId stepId data timestamp }\n": types.EventFieldsFragmentDoc,
    "\n  query ListEvents($filter: EventFilter, $first: Int, $after: String) {\n    events(filter: $filter, first: $first, after: $after) {\n      edges { cursor node { ...EventFields } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.ListEventsDocument,
    "\n  query ExecutionEvents($id: ID!, $first: Int, $after: String) {\n    execution(id: $id) { events(first: $first, after: $after) { edges { node { ...EventFields } } pageInfo { hasNextPage endCursor } } }\n  }\n": types.ExecutionEventsDocument,
    "\n  subscription LiveEvents($filter: EventFilter, $after: String) { events(filter: $filter, after: $after) { ...EventFields } }\n": types.LiveEventsDocument,
    "\n  subscription LiveProgress($executionId: ID!) {\n    executionProgress(executionId: $executionId) { executionId status progressPercent completedSteps totalSteps currentStep { name } }\n  }\n": types.LiveProgressDocument,
    "\n  mutation Ingest($commands: [IngestCommand!]!) {\n    ingest(commands: $commands) {\n      ok\n      error { code message }\n      execution { id namespace externalId status error steps { id status } }\n      step { ...IngestStep }\n    }\n  }\n  fragment IngestStep on StepProgress { id status progressPercent message attempt error }\n": types.IngestDocument,
    "mutation IngestOk($commands: [IngestCommand!]!) { ingest(commands: $commands) { ok } }": types.IngestOkDocument,
    "\n  query IngestLog($id: ID!) {\n    execution(id: $id) {\n      status error\n      steps { ...IngestStep }\n      events(first: 500) { edges { node { seq type stepId data } } }\n    }\n  }\n": types.IngestLogDocument,
    "\n  query IngestCounts($workflow: String!, $from: DateTime!, $to: DateTime!) {\n    metrics(workflow: $workflow, from: $from, to: $to, exact: false) {\n      total completed failed cancelled timedOut queued\n      steps { type total completed failed skipped retries }\n    }\n  }\n": types.IngestCountsDocument,
    "query LeaderHealth { health { components { component status message } } }": types.LeaderHealthDocument,
    "query LeaderQueueAlerts { alerts(first: 100) { edges { node { rule namespace occurrences } } } }": types.LeaderQueueAlertsDocument,
    "\n  subscription SeqProgress($executionId: ID!) {\n    executionProgress(executionId: $executionId) { seq status progressPercent completedSteps runningSteps doneSteps totalSteps }\n  }\n": types.SeqProgressDocument,
    "\n  query SeqProgressOf($id: ID!) {\n    execution(id: $id) { progress { seq status progressPercent completedSteps runningSteps doneSteps totalSteps } }\n  }\n": types.SeqProgressOfDocument,
    "mutation ProgressIngest($commands: [IngestCommand!]!) { ingest(commands: $commands) { ok } }": types.ProgressIngestDocument,
    "\n  fragment MetricsDurationFields on DurationStats { count avgMs minMs maxMs p50Ms p95Ms p99Ms }\n": types.MetricsDurationFieldsFragmentDoc,
    "\n  fragment MetricsStepFields on StepMetrics {\n    type total completed failed skipped retries successRate firstAttemptSuccessRate duration { ...MetricsDurationFields }\n  }\n": types.MetricsStepFieldsFragmentDoc,
    "\n  query MetricsWindow($from: DateTime, $to: DateTime, $namespace: String, $workflow: String, $exact: Boolean) {\n    metrics(from: $from, to: $to, namespace: $namespace, workflow: $workflow, exact: $exact) {\n      from to exact total completed failed cancelled timedOut running queued successRate failureRate timeoutRate\n      duration { ...MetricsDurationFields } queueTime { ...MetricsDurationFields }\n      slaTracked slaViolations slaComplianceRate\n      steps { ...MetricsStepFields }\n    }\n  }\n": types.MetricsWindowDocument,
    "\n  query MetricsSteps($from: DateTime, $to: DateTime, $namespace: String, $exact: Boolean) {\n    stepMetrics(from: $from, to: $to, namespace: $namespace, exact: $exact) { ...MetricsStepFields }\n  }\n": types.MetricsStepsDocument,
    "\n  query MetricsTimeseries($from: DateTime!, $to: DateTime!, $bucket: BucketSize!, $namespace: String, $exact: Boolean) {\n    metricsTimeseries(from: $from, to: $to, bucket: $bucket, namespace: $namespace, exact: $exact) {\n      start end total completed failed timedOut p50Ms p95Ms p99Ms\n    }\n  }\n": types.MetricsTimeseriesDocument,
    "\n  query MetricsSystem($namespace: String) {\n    systemMetrics(namespace: $namespace) { activeExecutions queueDepth oldestQueuedAgeMs eventsLastMinute liveSubscriptions checkedAt }\n  }\n": types.MetricsSystemDocument,
    "\n  query MetricsSummaryQuery($namespace: String) {\n    metricsSummary(namespace: $namespace) {\n      lastHour { from to total exact }\n      lastDay { from to total completed duration { ...MetricsDurationFields } }\n      system { activeExecutions queueDepth }\n    }\n  }\n": types.MetricsSummaryQueryDocument,
    "\n  mutation MetricsCreate($input: CreateExecutionInput!) { createExecution(input: $input) { id steps { id type } } }\n": types.MetricsCreateDocument,
    "mutation MetricsStart($id: ID!) { startExecution(id: $id) { id } }": types.MetricsStartDocument,
    "mutation MetricsComplete($id: ID!) { completeExecution(id: $id) { id } }": types.MetricsCompleteDocument,
    "mutation MetricsFail($id: ID!) { failExecution(id: $id, error: \"boom\") { id } }": types.MetricsFailDocument,
    "mutation MetricsCancel($id: ID!) { cancelExecution(id: $id) { id } }": types.MetricsCancelDocument,
    "mutation MetricsTimeout($id: ID!) { timeoutExecution(id: $id) { id } }": types.MetricsTimeoutDocument,
    "mutation MetricsStepStart($id: ID!) { startStep(stepId: $id) { id } }": types.MetricsStepStartDocument,
    "mutation MetricsStepComplete($id: ID!) { completeStep(stepId: $id) { id } }": types.MetricsStepCompleteDocument,
    "\n  mutation MetricsStepFail($id: ID!, $retry: Boolean) { failStep(stepId: $id, error: \"nope\", retry: $retry) { id attempt status } }\n": types.MetricsStepFailDocument,
    "mutation MetricsStepSkip($id: ID!) { skipStep(stepId: $id) { id } }": types.MetricsStepSkipDocument,
    "subscription MetricsSubscribe { events { id } }": types.MetricsSubscribeDocument,
    "\n  query MonitoringAlerts($status: [AlertStatus!], $first: Int) {\n    alerts(status: $status, first: $first) {\n      edges { node { id fingerprint rule severity status namespace workflow message value threshold occurrences firstSeenAt lastSeenAt acknowledgedAt acknowledgedBy resolvedAt } }\n    }\n  }\n": types.MonitoringAlertsDocument,
    "\n  query MonitoringHealth { health { status checkedAt components { component status message latencyMs observedValue threshold since checkedAt } } }\n": types.MonitoringHealthDocument,
    "mutation MonitoringAcknowledge($id: ID!, $by: String!) { acknowledgeAlert(id: $id, by: $by) { id status acknowledgedBy } }": types.MonitoringAcknowledgeDocument,
    "mutation MonitoringResolve($id: ID!) { resolveAlert(id: $id) { id status resolvedAt } }": types.MonitoringResolveDocument,
    "\n  query MonitoringAlertEvents { events(filter: { types: [SYSTEM_ALERT, SYSTEM_HEALTH] }, first: 500) { edges { node { type namespace seq data } } } }\n": types.MonitoringAlertEventsDocument,
    "subscription MonitoringLiveAlerts { alerts { id fingerprint rule status namespace message } }": types.MonitoringLiveAlertsDocument,
    "\n  mutation NotifyCreateReceiver($input: CreateAlertReceiverInput!) {\n    createAlertReceiver(input: $input) { id name kind url hasSecret timeoutMs namespace }\n  }\n": types.NotifyCreateReceiverDocument,
    "\n  mutation NotifyUpdateReceiver($id: ID!, $input: UpdateAlertReceiverInput!) {\n    updateAlertReceiver(id: $id, input: $input) { id name url hasSecret timeoutMs }\n  }\n": types.NotifyUpdateReceiverDocument,
    "mutation NotifyDeleteReceiver($id: ID!) { deleteAlertReceiver(id: $id) { id } }": types.NotifyDeleteReceiverDocument,
    "query NotifyReceivers { alertReceivers { id name kind url hasSecret namespace } }": types.NotifyReceiversDocument,
    "\n  mutation NotifyCreateRoute($input: CreateAlertRouteInput!) {\n    createAlertRoute(input: $input) {\n      id namespaces groupBy groupWaitMs groupIntervalMs repeatIntervalMs sendResolved continue position\n      receiver { id name } matchers { label operator value }\n    }\n  }\n": types.NotifyCreateRouteDocument,
    "\n  mutation NotifyUpdateRoute($id: ID!, $input: UpdateAlertRouteInput!) { updateAlertRoute(id: $id, input: $input) { id groupWaitMs position } }\n": types.NotifyUpdateRouteDocument,
    "mutation NotifyDeleteRoute($id: ID!) { deleteAlertRoute(id: $id) { id } }": types.NotifyDeleteRouteDocument,
    "query NotifyRoutes { alertRoutes { id namespaces position receiver { id } } }": types.NotifyRoutesDocument,
    "\n  mutation NotifyCreateSilence($input: CreateSilenceInput!) {\n    createSilence(input: $input) { id state startsAt endsAt comment createdBy namespaces matchers { label operator value } }\n  }\n": types.NotifyCreateSilenceDocument,
    "mutation NotifyExpireSilence($id: ID!) { expireSilence(id: $id) { id state endsAt } }": types.NotifyExpireSilenceDocument,
    "\n  query NotifySilences($state: [SilenceState!], $first: Int, $after: String) {\n    silences(state: $state, first: $first, after: $after) { edges { cursor node { id state namespaces } } pageInfo { hasNextPage endCursor } }\n  }\n": types.NotifySilencesDocument,
    "\n  query NotifyDeliveries($filter: AlertDeliveryFilter, $first: Int) {\n    alertDeliveries(filter: $filter, first: $first) {\n      edges {\n        node {\n          id idempotencyKey status attempts lastStatusCode lastError nextAttemptAt createdAt deliveredAt firingCount resolvedCount groupKey\n          receiver { name kind }\n          alerts { id rule namespace status }\n        }\n      }\n    }\n  }\n": types.NotifyDeliveriesDocument,
    "\n  query NotifyAlerts($status: [AlertStatus!]) {\n    alerts(status: $status, first: 100) {\n      edges { node { id rule namespace status silenced silencedBy { id } deliveries(first: 10) { idempotencyKey status firingCount resolvedCount } } }\n    }\n  }\n": types.NotifyAlertsDocument,
    "\n  query NotifyAlertRules($status: [AlertStatus!]) { alerts(status: $status, first: 500) { edges { node { id rule namespace status } } } }\n": types.NotifyAlertRulesDocument,
    "\n  fragment EtaProgressFields on ExecutionProgress {\n    executionId status seq totalSteps completedSteps failedSteps cancelledSteps timedOutSteps runningSteps pendingSteps skippedSteps doneSteps\n    progressPercent elapsedMs estimatedRemainingMs estimatedRemainingP90Ms estimatedCompletion estimatedStartAt\n    estimatedStartEarliestAt estimatedStartLatestAt queueEtaBasis\n    percentByTime isOverrunning etaBasis\n    currentStep { id name status }\n  }\n": types.EtaProgressFieldsFragmentDoc,
    "\n  query ExecutionProgressOf($id: ID!) {\n    execution(id: $id) {\n      id status\n      progress { ...EtaProgressFields }\n      steps { id name type status expectedDurationMs }\n    }\n  }\n": types.ExecutionProgressOfDocument,
    "\n  query ActiveProgress($namespace: String) { activeExecutions(namespace: $namespace) { ...EtaProgressFields } }\n": types.ActiveProgressDocument,
    "\n  subscription LiveEtaProgress($executionId: ID!) { executionProgress(executionId: $executionId) { ...EtaProgressFields } }\n": types.LiveEtaProgressDocument,
    "\n  mutation PromCreate($input: CreateExecutionInput!) { createExecution(input: $input) { id } }\n": types.PromCreateDocument,
    "mutation PromStart($id: ID!) { startExecution(id: $id) { id } }": types.PromStartDocument,
    "mutation PromComplete($id: ID!) { completeExecution(id: $id) { id } }": types.PromCompleteDocument,
    "query PromProgress($id: ID!) { execution(id: $id) { progress { progressPercent } } }": types.PromProgressDocument,
    "mutation PromFail($id: ID!) { failExecution(id: $id, error: \"x\") { id } }": types.PromFailDocument,
    "\n  query NewestEvents($filter: EventFilter, $last: Int, $first: Int) {\n    events(filter: $filter, last: $last, first: $first) {\n      edges { node { id type execution { id workflow } step { id name } } }\n      pageInfo { hasNextPage hasPreviousPage endCursor }\n    }\n  }\n": types.NewestEventsDocument,
    "query Viewer { viewer { name scopes namespaces } }": types.ViewerDocument,
    "\n  query TransitionsSnapshot($id: ID!) {\n    execution(id: $id) {\n      id status error queuedAt startedAt finishedAt\n      steps { id status attempt progressPercent message error startedAt finishedAt }\n      events(first: 500) { edges { node { seq type stepId } } pageInfo { hasNextPage } }\n    }\n  }\n": types.TransitionsSnapshotDocument,
    "\n  query TransitionsCountExecutions {\n    executions(first: 500) { edges { node { id } } pageInfo { hasNextPage } }\n  }\n": types.TransitionsCountExecutionsDocument,
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
export function graphql(source: "\n  fragment RuleFields on AlertRuleSettings {\n    rule namespace systemWide\n    enabled { value source } severity { value source } threshold { value source } windowMs { value source }\n    minSample { value source } pendingMs { value source } holdMs { value source }\n  }\n"): (typeof documents)["\n  fragment RuleFields on AlertRuleSettings {\n    rule namespace systemWide\n    enabled { value source } severity { value source } threshold { value source } windowMs { value source }\n    minSample { value source } pendingMs { value source } holdMs { value source }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query AlertRules($namespace: String) { alertRules(namespace: $namespace) { ...RuleFields } }"): (typeof documents)["query AlertRules($namespace: String) { alertRules(namespace: $namespace) { ...RuleFields } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SetAlertRule($input: SetAlertRuleInput!) { setAlertRule(input: $input) { ...RuleFields } }"): (typeof documents)["mutation SetAlertRule($input: SetAlertRuleInput!) { setAlertRule(input: $input) { ...RuleFields } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ResetAlertRule($namespace: String!, $rule: AlertRuleName!) { resetAlertRule(namespace: $namespace, rule: $rule) { ...RuleFields } }"): (typeof documents)["mutation ResetAlertRule($namespace: String!, $rule: AlertRuleName!) { resetAlertRule(namespace: $namespace, rule: $rule) { ...RuleFields } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query RuleOpenAlerts { alerts(status: [PENDING, FIRING], first: 100) { edges { node { rule namespace status value threshold severity } } } }"): (typeof documents)["query RuleOpenAlerts { alerts(status: [PENDING, FIRING], first: 100) { edges { node { rule namespace status value threshold severity } } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GroupedAlerts($status: [AlertStatus!]) {\n    alerts(status: $status, first: 20) {\n      edges {\n        node {\n          id fingerprint rule status namespace workflow message value threshold occurrences resolvedAt\n          executions(first: 100) { edges { node { id workflow slaBreachedAt timeoutBreachedAt } } pageInfo { hasNextPage } }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query GroupedAlerts($status: [AlertStatus!]) {\n    alerts(status: $status, first: 20) {\n      edges {\n        node {\n          id fingerprint rule status namespace workflow message value threshold occurrences resolvedAt\n          executions(first: 100) { edges { node { id workflow slaBreachedAt timeoutBreachedAt } } pageInfo { hasNextPage } }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AlertExecutionsPage($id: ID!, $after: String) {\n    node(id: $id) { ... on Alert { executions(first: 30, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }\n  }\n"): (typeof documents)["\n  query AlertExecutionsPage($id: ID!, $after: String) {\n    node(id: $id) { ... on Alert { executions(first: 30, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation StormIngest($commands: [IngestCommand!]!) { ingest(commands: $commands) { ok error { code } execution { id } } }"): (typeof documents)["mutation StormIngest($commands: [IngestCommand!]!) { ingest(commands: $commands) { ok error { code } execution { id } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BreachHistory($id: ID!) {\n    execution(id: $id) { slaBreachedAt timeoutBreachedAt events(first: 50) { edges { node { seq type data } } } }\n  }\n"): (typeof documents)["\n  query BreachHistory($id: ID!) {\n    execution(id: $id) { slaBreachedAt timeoutBreachedAt events(first: 50) { edges { node { seq type data } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BreachEvents($types: [EventType!]) { events(filter: { namespace: \"storm\", types: $types }, first: 500) { edges { node { executionId type } } } }\n"): (typeof documents)["\n  query BreachEvents($types: [EventType!]) { events(filter: { namespace: \"storm\", types: $types }, first: 500) { edges { node { executionId type } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ResolveGrouped($id: ID!) { resolveAlert(id: $id) { id status } }"): (typeof documents)["mutation ResolveGrouped($id: ID!) { resolveAlert(id: $id) { id status } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query BrowserAlerts { alerts(first: 50) { edges { node { id rule status acknowledgedBy } } } }"): (typeof documents)["query BrowserAlerts { alerts(first: 50) { edges { node { id rule status acknowledgedBy } } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query BrowserSilences { silences(state: [ACTIVE]) { edges { node { id comment matchers { label value } } } } }"): (typeof documents)["query BrowserSilences { silences(state: [ACTIVE]) { edges { node { id comment matchers { label value } } } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DemoStatuses { executions(first: 500) { edges { node { status workflow steps { status attempt } } } } }\n"): (typeof documents)["\n  query DemoStatuses { executions(first: 500) { edges { node { status workflow steps { status attempt } } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ExecutionFields on Execution {\n    id namespace workflow externalId status labels error createdAt queuedAt startedAt finishedAt\n    queueTimeMs durationMs slaMs timeoutMs slaViolated\n    steps { id executionId position name type status progressPercent message attempt error startedAt finishedAt durationMs }\n    progress {\n      executionId status totalSteps completedSteps failedSteps runningSteps pendingSteps skippedSteps\n      progressPercent elapsedMs estimatedRemainingMs estimatedCompletion\n      currentStep { id name status }\n    }\n  }\n"): (typeof documents)["\n  fragment ExecutionFields on Execution {\n    id namespace workflow externalId status labels error createdAt queuedAt startedAt finishedAt\n    queueTimeMs durationMs slaMs timeoutMs slaViolated\n    steps { id executionId position name type status progressPercent message attempt error startedAt finishedAt durationMs }\n    progress {\n      executionId status totalSteps completedSteps failedSteps runningSteps pendingSteps skippedSteps\n      progressPercent elapsedMs estimatedRemainingMs estimatedCompletion\n      currentStep { id name status }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment StepFields on StepProgress {\n    id executionId position name type status progressPercent message attempt error startedAt finishedAt durationMs\n  }\n"): (typeof documents)["\n  fragment StepFields on StepProgress {\n    id executionId position name type status progressPercent message attempt error startedAt finishedAt durationMs\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateExecution($input: CreateExecutionInput!) { createExecution(input: $input) { ...ExecutionFields } }\n"): (typeof documents)["\n  mutation CreateExecution($input: CreateExecutionInput!) { createExecution(input: $input) { ...ExecutionFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation QueueExecution($id: ID!) { queueExecution(id: $id) { ...ExecutionFields } }"): (typeof documents)["mutation QueueExecution($id: ID!) { queueExecution(id: $id) { ...ExecutionFields } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation StartExecution($id: ID!) { startExecution(id: $id) { ...ExecutionFields } }"): (typeof documents)["mutation StartExecution($id: ID!) { startExecution(id: $id) { ...ExecutionFields } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CompleteExecution($id: ID!) { completeExecution(id: $id) { ...ExecutionFields } }"): (typeof documents)["mutation CompleteExecution($id: ID!) { completeExecution(id: $id) { ...ExecutionFields } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation FailExecution($id: ID!, $error: String!) { failExecution(id: $id, error: $error) { ...ExecutionFields } }"): (typeof documents)["mutation FailExecution($id: ID!, $error: String!) { failExecution(id: $id, error: $error) { ...ExecutionFields } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CancelExecution($id: ID!, $reason: String) { cancelExecution(id: $id, reason: $reason) { ...ExecutionFields } }"): (typeof documents)["mutation CancelExecution($id: ID!, $reason: String) { cancelExecution(id: $id, reason: $reason) { ...ExecutionFields } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation TimeoutExecution($id: ID!) { timeoutExecution(id: $id) { ...ExecutionFields } }"): (typeof documents)["mutation TimeoutExecution($id: ID!) { timeoutExecution(id: $id) { ...ExecutionFields } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation StartStep($stepId: ID!) { startStep(stepId: $stepId) { ...StepFields } }"): (typeof documents)["mutation StartStep($stepId: ID!) { startStep(stepId: $stepId) { ...StepFields } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReportStepProgress($stepId: ID!, $percent: Float!, $message: String) {\n    reportStepProgress(stepId: $stepId, percent: $percent, message: $message) { ...StepFields }\n  }\n"): (typeof documents)["\n  mutation ReportStepProgress($stepId: ID!, $percent: Float!, $message: String) {\n    reportStepProgress(stepId: $stepId, percent: $percent, message: $message) { ...StepFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CompleteStep($stepId: ID!) { completeStep(stepId: $stepId) { ...StepFields } }"): (typeof documents)["mutation CompleteStep($stepId: ID!) { completeStep(stepId: $stepId) { ...StepFields } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FailStep($stepId: ID!, $error: String!, $retry: Boolean) { failStep(stepId: $stepId, error: $error, retry: $retry) { ...StepFields } }\n"): (typeof documents)["\n  mutation FailStep($stepId: ID!, $error: String!, $retry: Boolean) { failStep(stepId: $stepId, error: $error, retry: $retry) { ...StepFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SkipStep($stepId: ID!, $reason: String) { skipStep(stepId: $stepId, reason: $reason) { ...StepFields } }"): (typeof documents)["mutation SkipStep($stepId: ID!, $reason: String) { skipStep(stepId: $stepId, reason: $reason) { ...StepFields } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestApproval($stepId: ID!, $approvers: [String!], $message: String) {\n    requestApproval(stepId: $stepId, approvers: $approvers, message: $message) { ...StepFields }\n  }\n"): (typeof documents)["\n  mutation RequestApproval($stepId: ID!, $approvers: [String!], $message: String) {\n    requestApproval(stepId: $stepId, approvers: $approvers, message: $message) { ...StepFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApproveStep($stepId: ID!, $by: String!, $comment: String) { approveStep(stepId: $stepId, by: $by, comment: $comment) { ...StepFields } }\n"): (typeof documents)["\n  mutation ApproveStep($stepId: ID!, $by: String!, $comment: String) { approveStep(stepId: $stepId, by: $by, comment: $comment) { ...StepFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RejectStep($stepId: ID!, $by: String!, $comment: String) { rejectStep(stepId: $stepId, by: $by, comment: $comment) { ...StepFields } }\n"): (typeof documents)["\n  mutation RejectStep($stepId: ID!, $by: String!, $comment: String) { rejectStep(stepId: $stepId, by: $by, comment: $comment) { ...StepFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query GetExecution($id: ID!) { execution(id: $id) { ...ExecutionFields } }"): (typeof documents)["query GetExecution($id: ID!) { execution(id: $id) { ...ExecutionFields } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GetNode($id: ID!) {\n    node(id: $id) {\n      __typename id\n      ... on Execution { workflow }\n      ... on StepProgress { name }\n      ... on ExecutionEvent { type seq }\n    }\n  }\n"): (typeof documents)["\n  query GetNode($id: ID!) {\n    node(id: $id) {\n      __typename id\n      ... on Execution { workflow }\n      ... on StepProgress { name }\n      ... on ExecutionEvent { type seq }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListExecutions($filter: ExecutionFilter, $first: Int, $after: String) {\n    executions(filter: $filter, first: $first, after: $after) {\n      edges { cursor node { id workflow namespace status createdAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query ListExecutions($filter: ExecutionFilter, $first: Int, $after: String) {\n    executions(filter: $filter, first: $first, after: $after) {\n      edges { cursor node { id workflow namespace status createdAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExecutionsWithSteps($first: Int) {\n    executions(first: $first) {\n      edges { node { id steps { id name status } progress { progressPercent currentStep { id } } } }\n    }\n  }\n"): (typeof documents)["\n  query ExecutionsWithSteps($first: Int) {\n    executions(first: $first) {\n      edges { node { id steps { id name status } progress { progressPercent currentStep { id } } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ActiveExecutions($namespace: String) {\n    activeExecutions(namespace: $namespace) { executionId status progressPercent totalSteps currentStep { name } }\n  }\n"): (typeof documents)["\n  query ActiveExecutions($namespace: String) {\n    activeExecutions(namespace: $namespace) { executionId status progressPercent totalSteps currentStep { name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment EventFields on ExecutionEvent { id cursor seq type namespace executionId stepId data timestamp }\n"): (typeof documents)["\n  fragment EventFields on ExecutionEvent { id cursor seq type namespace executionId stepId data timestamp }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListEvents($filter: EventFilter, $first: Int, $after: String) {\n    events(filter: $filter, first: $first, after: $after) {\n      edges { cursor node { ...EventFields } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query ListEvents($filter: EventFilter, $first: Int, $after: String) {\n    events(filter: $filter, first: $first, after: $after) {\n      edges { cursor node { ...EventFields } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExecutionEvents($id: ID!, $first: Int, $after: String) {\n    execution(id: $id) { events(first: $first, after: $after) { edges { node { ...EventFields } } pageInfo { hasNextPage endCursor } } }\n  }\n"): (typeof documents)["\n  query ExecutionEvents($id: ID!, $first: Int, $after: String) {\n    execution(id: $id) { events(first: $first, after: $after) { edges { node { ...EventFields } } pageInfo { hasNextPage endCursor } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LiveEvents($filter: EventFilter, $after: String) { events(filter: $filter, after: $after) { ...EventFields } }\n"): (typeof documents)["\n  subscription LiveEvents($filter: EventFilter, $after: String) { events(filter: $filter, after: $after) { ...EventFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LiveProgress($executionId: ID!) {\n    executionProgress(executionId: $executionId) { executionId status progressPercent completedSteps totalSteps currentStep { name } }\n  }\n"): (typeof documents)["\n  subscription LiveProgress($executionId: ID!) {\n    executionProgress(executionId: $executionId) { executionId status progressPercent completedSteps totalSteps currentStep { name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Ingest($commands: [IngestCommand!]!) {\n    ingest(commands: $commands) {\n      ok\n      error { code message }\n      execution { id namespace externalId status error steps { id status } }\n      step { ...IngestStep }\n    }\n  }\n  fragment IngestStep on StepProgress { id status progressPercent message attempt error }\n"): (typeof documents)["\n  mutation Ingest($commands: [IngestCommand!]!) {\n    ingest(commands: $commands) {\n      ok\n      error { code message }\n      execution { id namespace externalId status error steps { id status } }\n      step { ...IngestStep }\n    }\n  }\n  fragment IngestStep on StepProgress { id status progressPercent message attempt error }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation IngestOk($commands: [IngestCommand!]!) { ingest(commands: $commands) { ok } }"): (typeof documents)["mutation IngestOk($commands: [IngestCommand!]!) { ingest(commands: $commands) { ok } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IngestLog($id: ID!) {\n    execution(id: $id) {\n      status error\n      steps { ...IngestStep }\n      events(first: 500) { edges { node { seq type stepId data } } }\n    }\n  }\n"): (typeof documents)["\n  query IngestLog($id: ID!) {\n    execution(id: $id) {\n      status error\n      steps { ...IngestStep }\n      events(first: 500) { edges { node { seq type stepId data } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IngestCounts($workflow: String!, $from: DateTime!, $to: DateTime!) {\n    metrics(workflow: $workflow, from: $from, to: $to, exact: false) {\n      total completed failed cancelled timedOut queued\n      steps { type total completed failed skipped retries }\n    }\n  }\n"): (typeof documents)["\n  query IngestCounts($workflow: String!, $from: DateTime!, $to: DateTime!) {\n    metrics(workflow: $workflow, from: $from, to: $to, exact: false) {\n      total completed failed cancelled timedOut queued\n      steps { type total completed failed skipped retries }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query LeaderHealth { health { components { component status message } } }"): (typeof documents)["query LeaderHealth { health { components { component status message } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query LeaderQueueAlerts { alerts(first: 100) { edges { node { rule namespace occurrences } } } }"): (typeof documents)["query LeaderQueueAlerts { alerts(first: 100) { edges { node { rule namespace occurrences } } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SeqProgress($executionId: ID!) {\n    executionProgress(executionId: $executionId) { seq status progressPercent completedSteps runningSteps doneSteps totalSteps }\n  }\n"): (typeof documents)["\n  subscription SeqProgress($executionId: ID!) {\n    executionProgress(executionId: $executionId) { seq status progressPercent completedSteps runningSteps doneSteps totalSteps }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SeqProgressOf($id: ID!) {\n    execution(id: $id) { progress { seq status progressPercent completedSteps runningSteps doneSteps totalSteps } }\n  }\n"): (typeof documents)["\n  query SeqProgressOf($id: ID!) {\n    execution(id: $id) { progress { seq status progressPercent completedSteps runningSteps doneSteps totalSteps } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ProgressIngest($commands: [IngestCommand!]!) { ingest(commands: $commands) { ok } }"): (typeof documents)["mutation ProgressIngest($commands: [IngestCommand!]!) { ingest(commands: $commands) { ok } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MetricsDurationFields on DurationStats { count avgMs minMs maxMs p50Ms p95Ms p99Ms }\n"): (typeof documents)["\n  fragment MetricsDurationFields on DurationStats { count avgMs minMs maxMs p50Ms p95Ms p99Ms }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MetricsStepFields on StepMetrics {\n    type total completed failed skipped retries successRate firstAttemptSuccessRate duration { ...MetricsDurationFields }\n  }\n"): (typeof documents)["\n  fragment MetricsStepFields on StepMetrics {\n    type total completed failed skipped retries successRate firstAttemptSuccessRate duration { ...MetricsDurationFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MetricsWindow($from: DateTime, $to: DateTime, $namespace: String, $workflow: String, $exact: Boolean) {\n    metrics(from: $from, to: $to, namespace: $namespace, workflow: $workflow, exact: $exact) {\n      from to exact total completed failed cancelled timedOut running queued successRate failureRate timeoutRate\n      duration { ...MetricsDurationFields } queueTime { ...MetricsDurationFields }\n      slaTracked slaViolations slaComplianceRate\n      steps { ...MetricsStepFields }\n    }\n  }\n"): (typeof documents)["\n  query MetricsWindow($from: DateTime, $to: DateTime, $namespace: String, $workflow: String, $exact: Boolean) {\n    metrics(from: $from, to: $to, namespace: $namespace, workflow: $workflow, exact: $exact) {\n      from to exact total completed failed cancelled timedOut running queued successRate failureRate timeoutRate\n      duration { ...MetricsDurationFields } queueTime { ...MetricsDurationFields }\n      slaTracked slaViolations slaComplianceRate\n      steps { ...MetricsStepFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MetricsSteps($from: DateTime, $to: DateTime, $namespace: String, $exact: Boolean) {\n    stepMetrics(from: $from, to: $to, namespace: $namespace, exact: $exact) { ...MetricsStepFields }\n  }\n"): (typeof documents)["\n  query MetricsSteps($from: DateTime, $to: DateTime, $namespace: String, $exact: Boolean) {\n    stepMetrics(from: $from, to: $to, namespace: $namespace, exact: $exact) { ...MetricsStepFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MetricsTimeseries($from: DateTime!, $to: DateTime!, $bucket: BucketSize!, $namespace: String, $exact: Boolean) {\n    metricsTimeseries(from: $from, to: $to, bucket: $bucket, namespace: $namespace, exact: $exact) {\n      start end total completed failed timedOut p50Ms p95Ms p99Ms\n    }\n  }\n"): (typeof documents)["\n  query MetricsTimeseries($from: DateTime!, $to: DateTime!, $bucket: BucketSize!, $namespace: String, $exact: Boolean) {\n    metricsTimeseries(from: $from, to: $to, bucket: $bucket, namespace: $namespace, exact: $exact) {\n      start end total completed failed timedOut p50Ms p95Ms p99Ms\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MetricsSystem($namespace: String) {\n    systemMetrics(namespace: $namespace) { activeExecutions queueDepth oldestQueuedAgeMs eventsLastMinute liveSubscriptions checkedAt }\n  }\n"): (typeof documents)["\n  query MetricsSystem($namespace: String) {\n    systemMetrics(namespace: $namespace) { activeExecutions queueDepth oldestQueuedAgeMs eventsLastMinute liveSubscriptions checkedAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MetricsSummaryQuery($namespace: String) {\n    metricsSummary(namespace: $namespace) {\n      lastHour { from to total exact }\n      lastDay { from to total completed duration { ...MetricsDurationFields } }\n      system { activeExecutions queueDepth }\n    }\n  }\n"): (typeof documents)["\n  query MetricsSummaryQuery($namespace: String) {\n    metricsSummary(namespace: $namespace) {\n      lastHour { from to total exact }\n      lastDay { from to total completed duration { ...MetricsDurationFields } }\n      system { activeExecutions queueDepth }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MetricsCreate($input: CreateExecutionInput!) { createExecution(input: $input) { id steps { id type } } }\n"): (typeof documents)["\n  mutation MetricsCreate($input: CreateExecutionInput!) { createExecution(input: $input) { id steps { id type } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation MetricsStart($id: ID!) { startExecution(id: $id) { id } }"): (typeof documents)["mutation MetricsStart($id: ID!) { startExecution(id: $id) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation MetricsComplete($id: ID!) { completeExecution(id: $id) { id } }"): (typeof documents)["mutation MetricsComplete($id: ID!) { completeExecution(id: $id) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation MetricsFail($id: ID!) { failExecution(id: $id, error: \"boom\") { id } }"): (typeof documents)["mutation MetricsFail($id: ID!) { failExecution(id: $id, error: \"boom\") { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation MetricsCancel($id: ID!) { cancelExecution(id: $id) { id } }"): (typeof documents)["mutation MetricsCancel($id: ID!) { cancelExecution(id: $id) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation MetricsTimeout($id: ID!) { timeoutExecution(id: $id) { id } }"): (typeof documents)["mutation MetricsTimeout($id: ID!) { timeoutExecution(id: $id) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation MetricsStepStart($id: ID!) { startStep(stepId: $id) { id } }"): (typeof documents)["mutation MetricsStepStart($id: ID!) { startStep(stepId: $id) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation MetricsStepComplete($id: ID!) { completeStep(stepId: $id) { id } }"): (typeof documents)["mutation MetricsStepComplete($id: ID!) { completeStep(stepId: $id) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MetricsStepFail($id: ID!, $retry: Boolean) { failStep(stepId: $id, error: \"nope\", retry: $retry) { id attempt status } }\n"): (typeof documents)["\n  mutation MetricsStepFail($id: ID!, $retry: Boolean) { failStep(stepId: $id, error: \"nope\", retry: $retry) { id attempt status } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation MetricsStepSkip($id: ID!) { skipStep(stepId: $id) { id } }"): (typeof documents)["mutation MetricsStepSkip($id: ID!) { skipStep(stepId: $id) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription MetricsSubscribe { events { id } }"): (typeof documents)["subscription MetricsSubscribe { events { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MonitoringAlerts($status: [AlertStatus!], $first: Int) {\n    alerts(status: $status, first: $first) {\n      edges { node { id fingerprint rule severity status namespace workflow message value threshold occurrences firstSeenAt lastSeenAt acknowledgedAt acknowledgedBy resolvedAt } }\n    }\n  }\n"): (typeof documents)["\n  query MonitoringAlerts($status: [AlertStatus!], $first: Int) {\n    alerts(status: $status, first: $first) {\n      edges { node { id fingerprint rule severity status namespace workflow message value threshold occurrences firstSeenAt lastSeenAt acknowledgedAt acknowledgedBy resolvedAt } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MonitoringHealth { health { status checkedAt components { component status message latencyMs observedValue threshold since checkedAt } } }\n"): (typeof documents)["\n  query MonitoringHealth { health { status checkedAt components { component status message latencyMs observedValue threshold since checkedAt } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation MonitoringAcknowledge($id: ID!, $by: String!) { acknowledgeAlert(id: $id, by: $by) { id status acknowledgedBy } }"): (typeof documents)["mutation MonitoringAcknowledge($id: ID!, $by: String!) { acknowledgeAlert(id: $id, by: $by) { id status acknowledgedBy } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation MonitoringResolve($id: ID!) { resolveAlert(id: $id) { id status resolvedAt } }"): (typeof documents)["mutation MonitoringResolve($id: ID!) { resolveAlert(id: $id) { id status resolvedAt } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MonitoringAlertEvents { events(filter: { types: [SYSTEM_ALERT, SYSTEM_HEALTH] }, first: 500) { edges { node { type namespace seq data } } } }\n"): (typeof documents)["\n  query MonitoringAlertEvents { events(filter: { types: [SYSTEM_ALERT, SYSTEM_HEALTH] }, first: 500) { edges { node { type namespace seq data } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription MonitoringLiveAlerts { alerts { id fingerprint rule status namespace message } }"): (typeof documents)["subscription MonitoringLiveAlerts { alerts { id fingerprint rule status namespace message } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation NotifyCreateReceiver($input: CreateAlertReceiverInput!) {\n    createAlertReceiver(input: $input) { id name kind url hasSecret timeoutMs namespace }\n  }\n"): (typeof documents)["\n  mutation NotifyCreateReceiver($input: CreateAlertReceiverInput!) {\n    createAlertReceiver(input: $input) { id name kind url hasSecret timeoutMs namespace }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation NotifyUpdateReceiver($id: ID!, $input: UpdateAlertReceiverInput!) {\n    updateAlertReceiver(id: $id, input: $input) { id name url hasSecret timeoutMs }\n  }\n"): (typeof documents)["\n  mutation NotifyUpdateReceiver($id: ID!, $input: UpdateAlertReceiverInput!) {\n    updateAlertReceiver(id: $id, input: $input) { id name url hasSecret timeoutMs }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation NotifyDeleteReceiver($id: ID!) { deleteAlertReceiver(id: $id) { id } }"): (typeof documents)["mutation NotifyDeleteReceiver($id: ID!) { deleteAlertReceiver(id: $id) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query NotifyReceivers { alertReceivers { id name kind url hasSecret namespace } }"): (typeof documents)["query NotifyReceivers { alertReceivers { id name kind url hasSecret namespace } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation NotifyCreateRoute($input: CreateAlertRouteInput!) {\n    createAlertRoute(input: $input) {\n      id namespaces groupBy groupWaitMs groupIntervalMs repeatIntervalMs sendResolved continue position\n      receiver { id name } matchers { label operator value }\n    }\n  }\n"): (typeof documents)["\n  mutation NotifyCreateRoute($input: CreateAlertRouteInput!) {\n    createAlertRoute(input: $input) {\n      id namespaces groupBy groupWaitMs groupIntervalMs repeatIntervalMs sendResolved continue position\n      receiver { id name } matchers { label operator value }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation NotifyUpdateRoute($id: ID!, $input: UpdateAlertRouteInput!) { updateAlertRoute(id: $id, input: $input) { id groupWaitMs position } }\n"): (typeof documents)["\n  mutation NotifyUpdateRoute($id: ID!, $input: UpdateAlertRouteInput!) { updateAlertRoute(id: $id, input: $input) { id groupWaitMs position } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation NotifyDeleteRoute($id: ID!) { deleteAlertRoute(id: $id) { id } }"): (typeof documents)["mutation NotifyDeleteRoute($id: ID!) { deleteAlertRoute(id: $id) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query NotifyRoutes { alertRoutes { id namespaces position receiver { id } } }"): (typeof documents)["query NotifyRoutes { alertRoutes { id namespaces position receiver { id } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation NotifyCreateSilence($input: CreateSilenceInput!) {\n    createSilence(input: $input) { id state startsAt endsAt comment createdBy namespaces matchers { label operator value } }\n  }\n"): (typeof documents)["\n  mutation NotifyCreateSilence($input: CreateSilenceInput!) {\n    createSilence(input: $input) { id state startsAt endsAt comment createdBy namespaces matchers { label operator value } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation NotifyExpireSilence($id: ID!) { expireSilence(id: $id) { id state endsAt } }"): (typeof documents)["mutation NotifyExpireSilence($id: ID!) { expireSilence(id: $id) { id state endsAt } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NotifySilences($state: [SilenceState!], $first: Int, $after: String) {\n    silences(state: $state, first: $first, after: $after) { edges { cursor node { id state namespaces } } pageInfo { hasNextPage endCursor } }\n  }\n"): (typeof documents)["\n  query NotifySilences($state: [SilenceState!], $first: Int, $after: String) {\n    silences(state: $state, first: $first, after: $after) { edges { cursor node { id state namespaces } } pageInfo { hasNextPage endCursor } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NotifyDeliveries($filter: AlertDeliveryFilter, $first: Int) {\n    alertDeliveries(filter: $filter, first: $first) {\n      edges {\n        node {\n          id idempotencyKey status attempts lastStatusCode lastError nextAttemptAt createdAt deliveredAt firingCount resolvedCount groupKey\n          receiver { name kind }\n          alerts { id rule namespace status }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query NotifyDeliveries($filter: AlertDeliveryFilter, $first: Int) {\n    alertDeliveries(filter: $filter, first: $first) {\n      edges {\n        node {\n          id idempotencyKey status attempts lastStatusCode lastError nextAttemptAt createdAt deliveredAt firingCount resolvedCount groupKey\n          receiver { name kind }\n          alerts { id rule namespace status }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NotifyAlerts($status: [AlertStatus!]) {\n    alerts(status: $status, first: 100) {\n      edges { node { id rule namespace status silenced silencedBy { id } deliveries(first: 10) { idempotencyKey status firingCount resolvedCount } } }\n    }\n  }\n"): (typeof documents)["\n  query NotifyAlerts($status: [AlertStatus!]) {\n    alerts(status: $status, first: 100) {\n      edges { node { id rule namespace status silenced silencedBy { id } deliveries(first: 10) { idempotencyKey status firingCount resolvedCount } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NotifyAlertRules($status: [AlertStatus!]) { alerts(status: $status, first: 500) { edges { node { id rule namespace status } } } }\n"): (typeof documents)["\n  query NotifyAlertRules($status: [AlertStatus!]) { alerts(status: $status, first: 500) { edges { node { id rule namespace status } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment EtaProgressFields on ExecutionProgress {\n    executionId status seq totalSteps completedSteps failedSteps cancelledSteps timedOutSteps runningSteps pendingSteps skippedSteps doneSteps\n    progressPercent elapsedMs estimatedRemainingMs estimatedRemainingP90Ms estimatedCompletion estimatedStartAt\n    estimatedStartEarliestAt estimatedStartLatestAt queueEtaBasis\n    percentByTime isOverrunning etaBasis\n    currentStep { id name status }\n  }\n"): (typeof documents)["\n  fragment EtaProgressFields on ExecutionProgress {\n    executionId status seq totalSteps completedSteps failedSteps cancelledSteps timedOutSteps runningSteps pendingSteps skippedSteps doneSteps\n    progressPercent elapsedMs estimatedRemainingMs estimatedRemainingP90Ms estimatedCompletion estimatedStartAt\n    estimatedStartEarliestAt estimatedStartLatestAt queueEtaBasis\n    percentByTime isOverrunning etaBasis\n    currentStep { id name status }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExecutionProgressOf($id: ID!) {\n    execution(id: $id) {\n      id status\n      progress { ...EtaProgressFields }\n      steps { id name type status expectedDurationMs }\n    }\n  }\n"): (typeof documents)["\n  query ExecutionProgressOf($id: ID!) {\n    execution(id: $id) {\n      id status\n      progress { ...EtaProgressFields }\n      steps { id name type status expectedDurationMs }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ActiveProgress($namespace: String) { activeExecutions(namespace: $namespace) { ...EtaProgressFields } }\n"): (typeof documents)["\n  query ActiveProgress($namespace: String) { activeExecutions(namespace: $namespace) { ...EtaProgressFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LiveEtaProgress($executionId: ID!) { executionProgress(executionId: $executionId) { ...EtaProgressFields } }\n"): (typeof documents)["\n  subscription LiveEtaProgress($executionId: ID!) { executionProgress(executionId: $executionId) { ...EtaProgressFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PromCreate($input: CreateExecutionInput!) { createExecution(input: $input) { id } }\n"): (typeof documents)["\n  mutation PromCreate($input: CreateExecutionInput!) { createExecution(input: $input) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation PromStart($id: ID!) { startExecution(id: $id) { id } }"): (typeof documents)["mutation PromStart($id: ID!) { startExecution(id: $id) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation PromComplete($id: ID!) { completeExecution(id: $id) { id } }"): (typeof documents)["mutation PromComplete($id: ID!) { completeExecution(id: $id) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query PromProgress($id: ID!) { execution(id: $id) { progress { progressPercent } } }"): (typeof documents)["query PromProgress($id: ID!) { execution(id: $id) { progress { progressPercent } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation PromFail($id: ID!) { failExecution(id: $id, error: \"x\") { id } }"): (typeof documents)["mutation PromFail($id: ID!) { failExecution(id: $id, error: \"x\") { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NewestEvents($filter: EventFilter, $last: Int, $first: Int) {\n    events(filter: $filter, last: $last, first: $first) {\n      edges { node { id type execution { id workflow } step { id name } } }\n      pageInfo { hasNextPage hasPreviousPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query NewestEvents($filter: EventFilter, $last: Int, $first: Int) {\n    events(filter: $filter, last: $last, first: $first) {\n      edges { node { id type execution { id workflow } step { id name } } }\n      pageInfo { hasNextPage hasPreviousPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Viewer { viewer { name scopes namespaces } }"): (typeof documents)["query Viewer { viewer { name scopes namespaces } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TransitionsSnapshot($id: ID!) {\n    execution(id: $id) {\n      id status error queuedAt startedAt finishedAt\n      steps { id status attempt progressPercent message error startedAt finishedAt }\n      events(first: 500) { edges { node { seq type stepId } } pageInfo { hasNextPage } }\n    }\n  }\n"): (typeof documents)["\n  query TransitionsSnapshot($id: ID!) {\n    execution(id: $id) {\n      id status error queuedAt startedAt finishedAt\n      steps { id status attempt progressPercent message error startedAt finishedAt }\n      events(first: 500) { edges { node { seq type stepId } } pageInfo { hasNextPage } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TransitionsCountExecutions {\n    executions(first: 500) { edges { node { id } } pageInfo { hasNextPage } }\n  }\n"): (typeof documents)["\n  query TransitionsCountExecutions {\n    executions(first: 500) { edges { node { id } } pageInfo { hasNextPage } }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;