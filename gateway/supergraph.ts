import fs from 'node:fs';
import path from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema, type ObjectTypeDefinitionNode } from 'graphql';

const SCHEMA_DIR = path.join(__dirname, '..', 'schema');

/** The committed, composed supergraph: starting the gateway needs no running subgraph. */
export function readSupergraph(): string {
  return fs.readFileSync(path.join(SCHEMA_DIR, 'supergraph.graphql'), 'utf8');
}

/** The schema clients see: the supergraph without its federation plumbing. */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

export function readSubgraphSdl(name: string): string {
  return fs.readFileSync(path.join(SCHEMA_DIR, `${name}.graphql`), 'utf8');
}

/** A subgraph's schema without resolvers, to validate what may be sent to it. */
export function subgraphShape(name: string): GraphQLSchema {
  return buildSubgraphSchema({ typeDefs: parse(readSubgraphSdl(name)) });
}

/** Root subscription field → the subgraph that owns it, read from the committed SDL. */
export function subscriptionOwners(names: readonly string[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const name of names) {
    for (const definition of parse(readSubgraphSdl(name)).definitions) {
      if ((definition.kind === 'ObjectTypeDefinition' || definition.kind === 'ObjectTypeExtension') && definition.name.value === 'Subscription') {
        for (const field of (definition as ObjectTypeDefinitionNode).fields ?? []) owners.set(field.name.value, name);
      }
    }
  }
  return owners;
}
