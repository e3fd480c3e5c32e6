import crypto from 'node:crypto';
import {
  Kind, getOperationAST, parse, print, validate, visit,
  type DocumentNode, type ExecutionResult, type FieldNode, type FragmentDefinitionNode, type GraphQLSchema,
  type OperationDefinitionNode, type SelectionNode, type VariableDefinitionNode,
} from 'graphql';
import { GraphQLError } from 'graphql';
import type { Identity } from '../shared/auth';
import type { KeyPolicy } from './access/key-policy';
import { SharedStreams, type StreamSource } from './subscription-sharing';

/** A subgraph that can run a subscription valid against its own schema. */
export interface SubscriptionTarget {
  schema: GraphQLSchema;
  subscribe(document: DocumentNode, variables: Record<string, unknown>, identity: Identity | null, requestId: string):
    Promise<AsyncIterable<ExecutionResult> | ExecutionResult>;
}

/** Runs a query through the gateway, as a client's query would be: planned across subgraphs. */
export type GatewayQuery = (document: DocumentNode, variables: Record<string, unknown>, identity: Identity | null, requestId: string, policy?: KeyPolicy) => Promise<ExecutionResult>;

interface EventLookup {
  /** The field of each event that identifies it. */
  keyField: string;
  /** The query field that returns one event by that key, with the subscription's own selection. */
  query: string;
  argument: string;
  /** Selections whose values name what an event is about; a slow subscriber keeps only the latest per value. */
  conflateBy?: string[];
  /** Arguments that give a subscriber its own starting point, so its stream cannot be shared. */
  startArguments?: string[];
  /** Lookup arguments filled from the `code` of a `conflateBy` selection (by its index), so the lookup knows what the event is about. */
  alsoPass?: { argument: string; from: number }[];
}

/**
 * How an event of a root subscription field is looked up again as a query, so fields other
 * subgraphs own (such as `sku { title }`) resolve through the gateway's own query planning.
 */
export const EVENT_LOOKUPS: Record<string, EventLookup> = {
  availabilityChanged: {
    keyField: 'cursor', query: 'availabilityChange', argument: 'cursor',
    conflateBy: ['sku { code }', 'channel { code }'], startArguments: ['after', 'snapshot'],
    // A snapshot entry's cursor is the log position it is current as of, not a change of its own.
    alsoPass: [{ argument: 'sku', from: 0 }, { argument: 'channel', from: 1 }],
  },
  routingDecided: { keyField: 'id', query: 'routingDecisionById', argument: 'id' },
  alertRaised: { keyField: 'id', query: 'alert', argument: 'id' },
};

const KEY_VARIABLE = '__eventKey';
const HIDDEN = '__gw_';
const name = (value: string) => ({ kind: Kind.NAME, value }) as const;

function usedVariables(nodes: (FieldNode | FragmentDefinitionNode)[]): Set<string> {
  const names = new Set<string>();
  for (const node of nodes) visit(node, { Variable: (variable) => { names.add(variable.name.value); } });
  return names;
}

/** `sku { code }` as a field aliased `__gw_c0`, so the gateway can read it and strip it. */
function hiddenFields(lookup: EventLookup): FieldNode[] {
  const conflate = (lookup.conflateBy ?? []).map((selection, index) => {
    const field = (parse(`{ ${selection} }`).definitions[0] as OperationDefinitionNode).selectionSet.selections[0] as FieldNode;
    return { ...field, alias: name(`${HIDDEN}c${index}`) };
  });
  return [{ kind: Kind.FIELD, alias: name(`${HIDDEN}key`), name: name(lookup.keyField) }, ...conflate];
}

function stripHidden(result: ExecutionResult, responseKey: string): ExecutionResult {
  const value = result.data?.[responseKey] as Record<string, unknown> | null | undefined;
  if (!value) return result;
  const visible = Object.fromEntries(Object.entries(value).filter(([field]) => !field.startsWith(HIDDEN)));
  return { ...result, data: { ...result.data, [responseKey]: visible } };
}

function conflationKeyOf(result: ExecutionResult, responseKey: string, lookup: EventLookup): string | null {
  if (!lookup.conflateBy?.length) return null;
  const value = result.data?.[responseKey] as Record<string, unknown> | null | undefined;
  if (!value) return null;
  return JSON.stringify(lookup.conflateBy.map((_, index) => value[`${HIDDEN}c${index}`]));
}

/** Same operation, same variables, same permissions: the same events, so one stream serves all. */
function sharingKey(document: DocumentNode, variables: Record<string, unknown>, identity: Identity | null): string {
  const permissions = identity ? [[...identity.scopes].sort(), identity.channels ? [...identity.channels].sort() : null] : null;
  const text = JSON.stringify([print(document), Object.entries(variables).sort(([a], [b]) => (a < b ? -1 : 1)), permissions]);
  return crypto.createHash('sha256').update(text).digest('base64url');
}

/**
 * Sends each subscription to the subgraph that owns its root field. A selection the owner can
 * answer alone goes straight through; otherwise the owner streams only each event's key, and
 * the gateway answers the full selection for every event with a query it plans like any other.
 * Identical subscriptions share one upstream stream and one resolution per event.
 */
export class SubscriptionRouter {
  private readonly streams: SharedStreams;

  constructor(
    private readonly owners: Map<string, SubscriptionTarget>,
    private readonly query: GatewayQuery,
    queueLimit = 1000,
  ) {
    this.streams = new SharedStreams(queueLimit);
  }

  /** Distinct upstream streams open now. */
  get openStreams(): number {
    return this.streams.size;
  }

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
    const lookup = EVENT_LOOKUPS[field.name.value];
    if (!lookup) {
      // A field without a lookup is passed straight through, unshared.
      if (validate(target.schema, single).length === 0) return target.subscribe(single, variables, identity, requestId);
      return { errors: [new GraphQLError(`${field.name.value} cannot select fields of other subgraphs`)] };
    }
    const ownStart = (field.arguments ?? []).some((argument) => lookup.startArguments?.includes(argument.name.value) &&
      !(argument.value.kind === Kind.NULL || (argument.value.kind === Kind.VARIABLE && variables[argument.value.name.value] == null) ||
        (argument.value.kind === Kind.BOOLEAN && !argument.value.value)));
    const key = ownStart ? crypto.randomUUID() : sharingKey(single, variables, identity);
    return this.streams.join(key, () => this.source(single, operation, field, target, lookup, variables, identity, requestId));
  }

  private async source(document: DocumentNode, operation: OperationDefinitionNode, field: FieldNode, target: SubscriptionTarget, lookup: EventLookup,
    variables: Record<string, unknown>, identity: Identity | null, requestId: string): Promise<StreamSource | ExecutionResult> {
    const responseKey = field.alias?.value ?? field.name.value;
    const hidden = hiddenFields(lookup);
    const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
    const keepVariables = (used: Set<string>): VariableDefinitionNode[] =>
      (operation.variableDefinitions ?? []).filter((definition) => used.has(definition.variable.name.value));
    const withSelections = (selections: readonly SelectionNode[]): FieldNode => ({ ...field, selectionSet: { kind: Kind.SELECTION_SET, selections } });
    const asDocument = (root: FieldNode, extra: FragmentDefinitionNode[] = []): DocumentNode => ({
      kind: Kind.DOCUMENT,
      definitions: [{ ...operation, variableDefinitions: keepVariables(usedVariables([root, ...extra])), selectionSet: { kind: Kind.SELECTION_SET, selections: [root] } }, ...extra],
    });

    // The owner answers the whole selection: ask it for the hidden fields too.
    const full = asDocument(withSelections([...(field.selectionSet?.selections ?? []), ...hidden]), fragments);
    if (validate(target.schema, full).length === 0) {
      const events = await target.subscribe(full, variables, identity, requestId);
      if (!(Symbol.asyncIterator in events)) return events;
      return { events, toPayload: async (event) => stripHidden(event, responseKey), conflationKey: (event) => conflationKeyOf(event, responseKey, lookup) };
    }

    // Otherwise the owner streams keys, and each event is looked up through the gateway.
    const events = await target.subscribe(asDocument(withSelections(hidden)), variables, identity, requestId);
    if (!(Symbol.asyncIterator in events)) return events;
    const passed = lookup.alsoPass ?? [];
    const argumentNode = (argument: string, variable: string) => ({ kind: Kind.ARGUMENT, name: name(argument), value: { kind: Kind.VARIABLE, name: name(variable) } }) as const;
    const lookupField: FieldNode = {
      kind: Kind.FIELD,
      alias: name(responseKey),
      name: name(lookup.query),
      arguments: [argumentNode(lookup.argument, KEY_VARIABLE), ...passed.map((pass) => argumentNode(pass.argument, `${KEY_VARIABLE}_${pass.argument}`))],
      directives: field.directives,
      selectionSet: field.selectionSet,
    };
    const idVariable = (variable: string, required: boolean): VariableDefinitionNode => ({
      kind: Kind.VARIABLE_DEFINITION,
      variable: { kind: Kind.VARIABLE, name: name(variable) },
      type: required ? { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: name('ID') } } : { kind: Kind.NAMED_TYPE, name: name('ID') },
    });
    const keyDefinitions = [idVariable(KEY_VARIABLE, true), ...passed.map((pass) => idVariable(`${KEY_VARIABLE}_${pass.argument}`, false))];
    const used = usedVariables([lookupField, ...fragments]);
    for (const definition of keyDefinitions) used.delete(definition.variable.name.value);
    const eventQuery: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: [
        { kind: Kind.OPERATION_DEFINITION, operation: 'query' as never, name: name(`${field.name.value}Event`),
          variableDefinitions: [...keepVariables(used), ...keyDefinitions], selectionSet: { kind: Kind.SELECTION_SET, selections: [lookupField] } },
        ...fragments,
      ],
    };
    return {
      events,
      conflationKey: (event) => conflationKeyOf(event, responseKey, lookup),
      toPayload: async (event) => {
        const hiddenValues = (event.data?.[responseKey] as Record<string, unknown> | undefined) ?? {};
        const key = hiddenValues[`${HIDDEN}key`];
        if (event.errors?.length || key === undefined) return stripHidden(event, responseKey);
        const extra = Object.fromEntries(passed.map((pass) => [`${KEY_VARIABLE}_${pass.argument}`, (hiddenValues[`${HIDDEN}c${pass.from}`] as { code?: unknown } | null)?.code ?? null]));
        return this.query(eventQuery, { ...variables, [KEY_VARIABLE]: key, ...extra }, identity, requestId);
      },
    };
  }
}
