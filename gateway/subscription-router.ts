import {
  Kind, getOperationAST, validate, visit,
  type DocumentNode, type ExecutionResult, type FieldNode, type FragmentDefinitionNode, type GraphQLSchema,
  type OperationDefinitionNode, type VariableDefinitionNode,
} from 'graphql';
import { GraphQLError } from 'graphql';
import type { Identity } from '../shared/auth';
import type { KeyPolicy } from './access/key-policy';

/** A subgraph that can run a subscription valid against its own schema. */
export interface SubscriptionTarget {
  schema: GraphQLSchema;
  subscribe(document: DocumentNode, variables: Record<string, unknown>, identity: Identity | null, requestId: string):
    Promise<AsyncIterable<ExecutionResult> | ExecutionResult>;
}

/** Runs a query through the gateway, as a client's query would be: planned across subgraphs. */
export type GatewayQuery = (document: DocumentNode, variables: Record<string, unknown>, identity: Identity | null, requestId: string, policy?: KeyPolicy) => Promise<ExecutionResult>;

/**
 * How an event of a root subscription field is looked up again as a query, so fields other
 * subgraphs own (such as `sku { title }`) resolve through the gateway's own query planning.
 */
export const EVENT_LOOKUPS: Record<string, { keyField: string; query: string; argument: string }> = {
  availabilityChanged: { keyField: 'cursor', query: 'availabilityChange', argument: 'cursor' },
};

const KEY_VARIABLE = '__eventKey';

function usedVariables(nodes: (FieldNode | FragmentDefinitionNode)[]): Set<string> {
  const names = new Set<string>();
  for (const node of nodes) visit(node, { Variable: (variable) => { names.add(variable.name.value); } });
  return names;
}

/**
 * Sends each subscription to the subgraph that owns its root field. A selection the owner can
 * answer alone goes straight through; otherwise the owner streams only each event's key, and
 * the gateway answers the full selection for every event with a query it plans like any other.
 */
export class SubscriptionRouter {
  constructor(
    private readonly owners: Map<string, SubscriptionTarget>,
    private readonly query: GatewayQuery,
  ) {}

  async subscribe(document: DocumentNode, variables: Record<string, unknown>, operationName: string | undefined, identity: Identity | null, requestId: string):
    Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
    const operation = getOperationAST(document, operationName);
    if (!operation || operation.operation !== 'subscription') return { errors: [new GraphQLError('Expected a subscription operation')] };
    const field = operation.selectionSet.selections[0];
    if (field?.kind !== Kind.FIELD || operation.selectionSet.selections.length !== 1) {
      return { errors: [new GraphQLError('A subscription must select exactly one root field')] };
    }
    const target = this.owners.get(field.name.value);
    if (!target) return { errors: [new GraphQLError(`No subgraph serves the subscription ${field.name.value}`)] };
    const single: DocumentNode = { ...document, definitions: document.definitions.filter((d) => d.kind !== Kind.OPERATION_DEFINITION || d === operation) };
    if (validate(target.schema, single).length === 0) return target.subscribe(single, variables, identity, requestId);
    return this.enriched(single, operation, field, target, variables, identity, requestId);
  }

  private async enriched(document: DocumentNode, operation: OperationDefinitionNode, field: FieldNode, target: SubscriptionTarget,
    variables: Record<string, unknown>, identity: Identity | null, requestId: string): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
    const lookup = EVENT_LOOKUPS[field.name.value];
    if (!lookup) return { errors: [new GraphQLError(`${field.name.value} cannot select fields of other subgraphs`)] };
    const responseKey = field.alias?.value ?? field.name.value;
    const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
    const keepVariables = (used: Set<string>): VariableDefinitionNode[] =>
      (operation.variableDefinitions ?? []).filter((definition) => used.has(definition.variable.name.value));

    const keyOnlyField: FieldNode = { ...field, selectionSet: { kind: Kind.SELECTION_SET, selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: lookup.keyField } }] } };
    const keyOnly: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: [{ ...operation, variableDefinitions: keepVariables(usedVariables([keyOnlyField])), selectionSet: { kind: Kind.SELECTION_SET, selections: [keyOnlyField] } }],
    };
    const lookupField: FieldNode = {
      kind: Kind.FIELD,
      alias: { kind: Kind.NAME, value: responseKey },
      name: { kind: Kind.NAME, value: lookup.query },
      arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: lookup.argument }, value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: KEY_VARIABLE } } }],
      directives: field.directives,
      selectionSet: field.selectionSet,
    };
    const keyDefinition: VariableDefinitionNode = {
      kind: Kind.VARIABLE_DEFINITION,
      variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: KEY_VARIABLE } },
      type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'ID' } } },
    };
    const used = usedVariables([lookupField, ...fragments]);
    used.delete(KEY_VARIABLE);
    const eventQuery: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: [
        { kind: Kind.OPERATION_DEFINITION, operation: 'query' as never, name: { kind: Kind.NAME, value: `${field.name.value}Event` },
          variableDefinitions: [...keepVariables(used), keyDefinition], selectionSet: { kind: Kind.SELECTION_SET, selections: [lookupField] } },
        ...fragments,
      ],
    };
    const source = await target.subscribe(keyOnly, variables, identity, requestId);
    if (!(Symbol.asyncIterator in source)) return source;
    const query = this.query;
    return (async function* () {
      for await (const event of source) {
        const key = (event.data?.[responseKey] as Record<string, unknown> | undefined)?.[lookup.keyField];
        if (event.errors?.length || key === undefined) {
          yield event;
          continue;
        }
        yield await query(eventQuery, { ...variables, [KEY_VARIABLE]: key }, identity, requestId);
      }
    })();
  }
}

