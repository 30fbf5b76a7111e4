import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import {
  getNamedType,
  GraphQLError,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  NoSchemaIntrospectionCustomRule,
  validate,
  valueFromASTUntyped,
  type DocumentNode,
  type GraphQLSchema,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
  type ValueNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ErrorCode } from '../../errors.js';
import { codedError } from './errors.js';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxCost: number;
  defaultPageSize: number;
  maxPageSize: number;
}

/** A limit's own rejection (graphql-armor's, graphql's introspection rule, the token parser's) with our code. */
const recoded = (error: GraphQLError, code: ErrorCode, reason: string) =>
  codedError(code, error.message.replace(/^Syntax Error: /, ''), { from: error, reason });

/** graphql-armor reports by callback; this turns its rejection into a coded validation error. */
const reportAs = (reason: string): { propagateOnRejection: false; onReject: GraphQLArmorRejectCallback[] } => ({
  propagateOnRejection: false,
  onReject: [(ctx, error) => ctx?.reportError(recoded(error, 'QUERY_TOO_COMPLEX', reason))],
});

/** A rule whose errors get `code` (for graphql's own rules, which report without one). */
function withErrorCode(rule: ValidationRule, code: ErrorCode, reason: string): ValidationRule {
  return (context) =>
    rule(
      new Proxy(context, {
        get(target, prop) {
          if (prop === 'reportError') return (error: GraphQLError) => target.reportError(recoded(error, code, reason));
          const value = Reflect.get(target, prop, target) as unknown;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      }),
    );
}

/** Unbounded lists that are not connections (an execution's steps) count as this many items. */
const PLAIN_LIST_FACTOR = 10;

/**
 * Cost = every field 1, and a connection's selection times its page size: `first` as a literal,
 * from a variable (or its default), or DEFAULT_PAGE_SIZE when omitted. graphql-armor's cost limit
 * only reads literal `first`, so `first: $n` would pass as 1 there. A field with a `listSizedBy`
 * extension (`ingest`) costs 1 + (1 + its selection) per item of that argument, so a batch costs
 * what its commands would as separate mutations. Returns an error for each operation over the limit.
 */
export function costErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  limits: QueryLimits,
  variables: Readonly<Record<string, unknown>> | null,
): GraphQLError[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const fragmentCosts = new Map<string, number>();

  /** An argument's value: its literal, or its variable's value (or that variable's default). */
  function argumentValue(value: ValueNode | undefined, operation: OperationDefinitionNode): unknown {
    if (value?.kind !== Kind.VARIABLE) return value && valueFromASTUntyped(value, variables);
    const given = variables?.[value.name.value];
    if (given !== undefined) return given;
    const fallback = operation.variableDefinitions?.find((d) => d.variable.name.value === value.name.value)?.defaultValue;
    return fallback && valueFromASTUntyped(fallback);
  }

  /**
   * The page size a connection is costed at. Unlike graphql/pagination.ts `pageSize` it never
   * rejects: an out-of-range `first` counts at the cap (or 1), a missing or mistyped one at the
   * default, and the resolver's `pageSize` rejects them with BAD_USER_INPUT later.
   */
  function clampedPageSize(value: ValueNode | undefined, operation: OperationDefinitionNode): number {
    const first = argumentValue(value, operation);
    if (typeof first !== 'number' || !Number.isFinite(first)) return limits.defaultPageSize;
    return Math.max(1, Math.min(first, limits.maxPageSize));
  }

  function selectionCost(
    selectionSet: SelectionSetNode,
    parent: GraphQLNamedType | undefined,
    operation: OperationDefinitionNode,
    path: ReadonlySet<string>,
  ): number {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        const field = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[selection.name.value] : undefined;
        if (!field) continue;
        const unwrapped = isNonNullType(field.type) ? field.type.ofType : field.type;
        const argument = (name: string) => selection.arguments?.find((a) => a.name.value === name)?.value;
        const inner = selection.selectionSet
          ? selectionCost(selection.selectionSet, getNamedType(field.type), operation, path)
          : 0;
        const sizedBy = field.extensions.listSizedBy;
        if (typeof sizedBy === 'string') {
          // One result per item of that argument, each counted like a field of its own.
          const items = argumentValue(argument(sizedBy), operation);
          total += 1 + (Array.isArray(items) ? items.length : 1) * (1 + inner);
          continue;
        }
        let multiplier = 1;
        if (field.args.some((a) => a.name === 'first')) multiplier = clampedPageSize(argument('first'), operation);
        else if (isListType(unwrapped) && !parent!.name.endsWith('Connection')) multiplier = PLAIN_LIST_FACTOR;
        total += 1 + multiplier * inner;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        total += selectionCost(selection.selectionSet, type ?? undefined, operation, path);
      } else {
        const name = selection.name.value;
        if (path.has(name)) continue; // a cycle: reported by NoFragmentCycles
        const known = fragmentCosts.get(name);
        if (known !== undefined) {
          total += known;
          continue;
        }
        const fragment = fragments.get(name);
        if (!fragment) continue;
        const cost = selectionCost(
          fragment.selectionSet,
          schema.getType(fragment.typeCondition.name.value) ?? undefined,
          operation,
          new Set([...path, name]),
        );
        fragmentCosts.set(name, cost);
        total += cost;
      }
    }
    return total;
  }

  const errors: GraphQLError[] = [];
  for (const operation of document.definitions) {
    if (operation.kind !== Kind.OPERATION_DEFINITION) continue;
    const root = schema.getRootType(operation.operation) ?? undefined;
    const cost = selectionCost(operation.selectionSet, root, operation, new Set());
    if (cost > limits.maxCost) {
      const message = `Query cost ${cost} exceeds the limit of ${limits.maxCost}: ask for smaller pages (first) or fewer nested lists`;
      const extensions = { cost, maxCost: limits.maxCost };
      errors.push(codedError('QUERY_TOO_COMPLEX', message, { nodes: [operation], reason: 'MAX_COST', extensions }));
    }
  }
  return errors;
}

const hasNul = (value: unknown, depth = 0): boolean => {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNul(v, depth + 1));
};

/** Postgres text cannot hold U+0000: reject it in any literal or variable instead of failing in SQL. */
const nulError = (node?: ValueNode) =>
  codedError('BAD_USER_INPUT', 'Strings may not contain the NUL character (\\u0000)', {
    nodes: node ? [node] : undefined,
    reason: 'NUL_CHARACTER',
  });

export const noNulLiterals: ValidationRule = (context) => {
  let reported = false;
  return {
    StringValue(node) {
      if (reported || !node.value.includes('\u0000')) return;
      reported = true;
      context.reportError(nulError(node));
    },
  };
};

/**
 * graphql-js cannot run a subscription whose only root field is skipped (it fails with a TypeError,
 * which would surface as INTERNAL); newer drafts of the spec forbid it, so reject it up front.
 */
export const noConditionalSubscriptionRoot: ValidationRule = (context) => ({
  OperationDefinition(operation) {
    if (operation.operation !== 'subscription') return;
    const conditional = (directives: readonly { name: { value: string } }[] | undefined) =>
      directives?.some((d) => d.name.value === 'skip' || d.name.value === 'include');
    const visit = (set: SelectionSetNode, seen: Set<string>): boolean =>
      set.selections.some((s) => {
        if (conditional(s.directives)) return true;
        if (s.kind === Kind.INLINE_FRAGMENT) return visit(s.selectionSet, seen);
        if (s.kind === Kind.FRAGMENT_SPREAD && !seen.has(s.name.value)) {
          const fragment = context.getFragment(s.name.value);
          return fragment ? visit(fragment.selectionSet, new Set([...seen, s.name.value])) : false;
        }
        return false;
      });
    if (visit(operation.selectionSet, new Set())) {
      context.reportError(
        codedError('BAD_USER_INPUT', '@skip and @include are not allowed on the root field of a subscription', {
          nodes: [operation],
          reason: 'GRAPHQL_VALIDATION_FAILED',
        }),
      );
    }
  },
});

/**
 * Depth, aliases, directives (graphql-armor), tokens (graphql-armor's parser) and list cost (ours),
 * each rejected with QUERY_TOO_COMPLEX; NUL characters rejected; introspection off unless
 * `introspection(context)` says so for the caller in the operation's context. Everything that reads only the document (graphql's rules, depth,
 * aliases, directives, NUL literals, introspection, and the cost when no variables are given) is
 * checked once per document and kept; an operation with variables has its cost and its variables'
 * NUL characters checked on its own, without another pass of graphql's validator. (Yoga's own
 * validation cache cannot tell the two apart.)
 */
export function useQueryLimits<Context extends object>(limits: QueryLimits, introspection: (context: Context) => boolean): Plugin<Context> {
  const documentRules = [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true, ...reportAs('MAX_DEPTH') }),
    maxAliasesRule({ n: limits.maxAliases, ...reportAs('MAX_ALIASES') }),
    maxDirectivesRule({ n: limits.maxDirectives, ...reportAs('MAX_DIRECTIVES') }),
    noConditionalSubscriptionRoot,
    noNulLiterals,
  ] as ValidationRule[];
  const noIntrospection = withErrorCode(NoSchemaIntrospectionCustomRule, 'FORBIDDEN', 'INTROSPECTION_DISABLED');
  interface DocumentChecks {
    errors: readonly GraphQLError[];
    introspection?: readonly GraphQLError[];
    costWithoutVariables?: readonly GraphQLError[];
  }
  const checked = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, DocumentChecks>>();

  return {
    onParse({ setParseFn }) {
      setParseFn((source, options) => {
        const parser = new MaxTokensParserWLexer(source, { ...options, n: limits.maxTokens, exposeLimits: true });
        try {
          return parser.parseDocument();
        } catch (error) {
          if (error instanceof GraphQLError && parser.tokenCount > limits.maxTokens) {
            throw recoded(error, 'QUERY_TOO_COMPLEX', 'MAX_TOKENS');
          }
          throw error;
        }
      });
    },
    onValidate({ addValidationRule, context, setValidationFn }) {
      for (const rule of documentRules) addValidationRule(rule);
      const params = (context as { params?: { variables?: Record<string, unknown> | null } }).params;
      const variables = params?.variables && typeof params.variables === 'object' ? params.variables : null;
      setValidationFn((schema, documentAST, rules, typeInfo, options) => {
        // Yoga's parse cache hands out one document object per query text: a key for its checks.
        let byDocument = checked.get(schema);
        if (!byDocument) checked.set(schema, (byDocument = new WeakMap()));
        let checks = byDocument.get(documentAST);
        if (!checks) byDocument.set(documentAST, (checks = { errors: validate(schema, documentAST, rules, options, typeInfo) }));
        const errors = [...checks.errors];
        if (!introspection(context)) errors.push(...(checks.introspection ??= validate(schema, documentAST, [noIntrospection])));
        if (variables && Object.keys(variables).length > 0) {
          errors.push(...costErrors(schema, documentAST, limits, variables));
          if (hasNul(variables)) errors.push(nulError());
        } else {
          errors.push(...(checks.costWithoutVariables ??= costErrors(schema, documentAST, limits, null)));
        }
        return errors;
      });
    },
  };
}
