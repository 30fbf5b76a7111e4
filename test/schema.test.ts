import { readFileSync } from 'node:fs';
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  parse,
  print,
  type DefinitionNode,
  type GraphQLNamedType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { printedSchema, schema } from '../src/graphql/schema.js';

describe('printed schema', () => {
  it('matches schema/schema.graphql on disk', () => {
    const onDisk = readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8');
    expect(printedSchema(), 'schema/schema.graphql has drifted from the code: run `npm run schema:print` and commit it').toBe(
      onDisk,
    );
  });
});

/**
 * The public contract (docs: API.md, "Runwatch GraphQL contract"). Its names and types are fixed: the
 * schema may add to it, never rename, drop or retype. Only plain SDL here so `parse` can read it.
 */
const CONTRACT = `
  scalar DateTime
  scalar JSON

  interface Node { id: ID! }

  enum ExecutionStatus { PENDING QUEUED RUNNING WAITING_APPROVAL COMPLETED FAILED CANCELLED TIMED_OUT }
  enum StepStatus { PENDING RUNNING WAITING_APPROVAL COMPLETED FAILED SKIPPED CANCELLED TIMED_OUT }
  enum EventType {
    EXECUTION_CREATED EXECUTION_QUEUED EXECUTION_STARTED EXECUTION_COMPLETED EXECUTION_FAILED
    EXECUTION_CANCELLED EXECUTION_TIMEOUT
    STEP_STARTED STEP_PROGRESS STEP_COMPLETED STEP_FAILED
    APPROVAL_REQUESTED APPROVAL_APPROVED APPROVAL_REJECTED
    SYSTEM_HEALTH SYSTEM_ALERT
  }

  type Execution implements Node {
    id: ID!
    namespace: String!
    workflow: String!
    externalId: String
    status: ExecutionStatus!
    labels: JSON
    error: String
    createdAt: DateTime!
    queuedAt: DateTime
    startedAt: DateTime
    finishedAt: DateTime
    queueTimeMs: Float
    durationMs: Float
    slaMs: Int
    timeoutMs: Int
    slaViolated: Boolean!
    steps: [StepProgress!]!
    progress: ExecutionProgress!
    events(first: Int, after: String): EventConnection!
  }

  type StepProgress implements Node {
    id: ID!
    executionId: ID!
    position: Int!
    name: String!
    type: String!
    status: StepStatus!
    progressPercent: Float!
    message: String
    attempt: Int!
    error: String
    startedAt: DateTime
    finishedAt: DateTime
    durationMs: Float
  }

  type ExecutionProgress {
    executionId: ID!
    status: ExecutionStatus!
    totalSteps: Int!
    completedSteps: Int!
    failedSteps: Int!
    runningSteps: Int!
    pendingSteps: Int!
    skippedSteps: Int!
    progressPercent: Float!
    currentStep: StepProgress
    elapsedMs: Float
    estimatedRemainingMs: Float
    estimatedCompletion: DateTime
  }

  type ExecutionEvent implements Node {
    id: ID!
    cursor: String!
    seq: Int!
    type: EventType!
    namespace: String!
    executionId: ID
    stepId: ID
    data: JSON
    timestamp: DateTime!
  }

  input CreateExecutionInput {
    workflow: String!
    namespace: String
    externalId: String
    steps: [StepInput!]!
    labels: JSON
    slaMs: Int
    timeoutMs: Int
    queued: Boolean
  }
  input StepInput { name: String!, type: String! }

  input ExecutionFilter {
    namespace: String
    workflow: String
    status: [ExecutionStatus!]
    createdAfter: DateTime
    createdBefore: DateTime
  }
  input EventFilter {
    namespace: String
    executionId: ID
    types: [EventType!]
  }

  type Query {
    node(id: ID!): Node
    execution(id: ID!): Execution
    executions(filter: ExecutionFilter, first: Int, after: String): ExecutionConnection!
    activeExecutions(namespace: String): [ExecutionProgress!]!
    events(filter: EventFilter, first: Int, after: String): EventConnection!
  }

  type Mutation {
    createExecution(input: CreateExecutionInput!): Execution!
    queueExecution(id: ID!): Execution!
    startExecution(id: ID!): Execution!
    completeExecution(id: ID!): Execution!
    failExecution(id: ID!, error: String!): Execution!
    cancelExecution(id: ID!, reason: String): Execution!
    timeoutExecution(id: ID!): Execution!
    startStep(stepId: ID!): StepProgress!
    reportStepProgress(stepId: ID!, percent: Float!, message: String): StepProgress!
    completeStep(stepId: ID!): StepProgress!
    failStep(stepId: ID!, error: String!, retry: Boolean): StepProgress!
    skipStep(stepId: ID!, reason: String): StepProgress!
    requestApproval(stepId: ID!, approvers: [String!], message: String): StepProgress!
    approveStep(stepId: ID!, by: String!, comment: String): StepProgress!
    rejectStep(stepId: ID!, by: String!, comment: String): StepProgress!
  }

  type Subscription {
    events(filter: EventFilter, after: String): ExecutionEvent!
    executionProgress(executionId: ID!): ExecutionProgress!
  }

  # Relay connections, as the contract's conventions describe them.
  type ExecutionConnection { edges: [ExecutionEdge!]!, pageInfo: PageInfo! }
  type ExecutionEdge { cursor: String!, node: Execution! }
  type EventConnection { edges: [EventEdge!]!, pageInfo: PageInfo! }
  type EventEdge { cursor: String!, node: ExecutionEvent! }
  type PageInfo { hasNextPage: Boolean!, endCursor: String }
`;

const definitions = parse(CONTRACT).definitions.filter(
  (d): d is Extract<DefinitionNode, { name: { value: string } }> => 'name' in d && d.name !== undefined,
);
const named = (kind: Kind) => definitions.filter((d) => d.kind === kind).map((d) => [d.name.value, d] as const);

function typeOf(name: string): GraphQLNamedType {
  const type = schema.getType(name);
  expect(type, `type ${name} is missing from the schema`).toBeDefined();
  return type!;
}

describe('the API.md contract', () => {
  it('covers every type the contract names', () => {
    expect(definitions.length).toBeGreaterThan(20);
    for (const definition of definitions) typeOf(definition.name.value);
  });

  it.each(named(Kind.SCALAR_TYPE_DEFINITION))('scalar %s exists', (name) => {
    expect(isScalarType(typeOf(name))).toBe(true);
  });

  it.each(named(Kind.ENUM_TYPE_DEFINITION))('enum %s has every contract value', (name, definition) => {
    const type = typeOf(name);
    if (!isEnumType(type)) throw new Error(`${name} is not an enum`);
    const values = type.getValues().map((v) => v.name);
    const wanted = (definition.kind === Kind.ENUM_TYPE_DEFINITION ? definition.values ?? [] : []).map((v) => v.name.value);
    expect(values).toEqual(expect.arrayContaining(wanted));
  });

  it.each([...named(Kind.OBJECT_TYPE_DEFINITION), ...named(Kind.INTERFACE_TYPE_DEFINITION)])(
    'type %s has every contract field, argument and interface with its exact type',
    (name, definition) => {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) return;
      const type = typeOf(name);
      if (!isObjectType(type) && !isInterfaceType(type)) throw new Error(`${name} is not an object or interface type`);
      expect(definition.kind === Kind.OBJECT_TYPE_DEFINITION ? isObjectType(type) : isInterfaceType(type)).toBe(true);
      const interfaces = type.getInterfaces().map((i) => i.name);
      expect(interfaces).toEqual(expect.arrayContaining((definition.interfaces ?? []).map((i) => i.name.value)));

      const fields = type.getFields();
      for (const fieldNode of definition.fields ?? []) {
        const fieldName = `${name}.${fieldNode.name.value}`;
        const field = fields[fieldNode.name.value];
        expect(field, `${fieldName} is missing`).toBeDefined();
        expect(String(field!.type), `type of ${fieldName}`).toBe(print(fieldNode.type));
        for (const argNode of fieldNode.arguments ?? []) {
          const arg = field!.args.find((a) => a.name === argNode.name.value);
          expect(arg, `argument ${fieldName}(${argNode.name.value}) is missing`).toBeDefined();
          expect(String(arg!.type), `type of ${fieldName}(${argNode.name.value})`).toBe(print(argNode.type));
        }
        // Arguments added beyond the contract must not break existing callers.
        const contractArgs = new Set((fieldNode.arguments ?? []).map((a) => a.name.value));
        for (const arg of field!.args.filter((a) => !contractArgs.has(a.name))) {
          expect(isNonNullType(arg.type) && arg.defaultValue === undefined, `added argument ${fieldName}(${arg.name}) is required`).toBe(
            false,
          );
        }
      }
    },
  );

  it.each(named(Kind.INPUT_OBJECT_TYPE_DEFINITION))('input %s has every contract field with its exact type', (name, definition) => {
    if (definition.kind !== Kind.INPUT_OBJECT_TYPE_DEFINITION) return;
    const type = typeOf(name);
    if (!isInputObjectType(type)) throw new Error(`${name} is not an input type`);
    const fields = type.getFields();
    for (const fieldNode of definition.fields ?? []) {
      const field = fields[fieldNode.name.value];
      expect(field, `${name}.${fieldNode.name.value} is missing`).toBeDefined();
      expect(String(field!.type), `type of ${name}.${fieldNode.name.value}`).toBe(print(fieldNode.type));
    }
    const contractFields = new Set((definition.fields ?? []).map((f) => f.name.value));
    for (const field of Object.values(fields).filter((f) => !contractFields.has(f.name))) {
      expect(isNonNullType(field.type) && field.defaultValue === undefined, `added input field ${name}.${field.name} is required`).toBe(
        false,
      );
    }
  });

  it('every Node type is reachable through node(id)', () => {
    const node = typeOf('Node');
    if (!isInterfaceType(node)) throw new Error('Node is not an interface');
    const implementations = schema.getImplementations(node).objects.map((t) => t.name);
    expect(implementations).toEqual(expect.arrayContaining(['Execution', 'StepProgress', 'ExecutionEvent']));
  });
});
