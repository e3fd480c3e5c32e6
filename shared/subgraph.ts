import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { DateTimeResolver } from 'graphql-scalars';
import { parse, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap, type NonEmptyArray } from 'type-graphql';
import { scopeChecker } from './auth';
import type { Database } from './database';
import type { SubgraphName } from './config';

const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides"])';

export interface SubgraphDefinition {
  resolvers: NonEmptyArray<Function>;
  orphanedTypes?: Function[];
  /** `__resolveReference` for each entity this subgraph can resolve by key. */
  referenceResolvers?: GraphQLResolverMap<any>;
}

export interface BuiltSubgraph {
  schema: GraphQLSchema;
  sdl: string;
}

/**
 * Turns type-graphql classes into a Federation 2 subgraph: the SDL is printed with its
 * directives (plain printSchema drops `@key`) behind the federation `@link`, then given to
 * `buildSubgraphSchema` with the resolvers type-graphql generated.
 */
export async function buildSubgraph(definition: SubgraphDefinition): Promise<BuiltSubgraph> {
  const typeSchema = await buildSchema({
    resolvers: definition.resolvers,
    orphanedTypes: definition.orphanedTypes,
    authChecker: scopeChecker,
    authMode: 'error',
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: false,
    emitSchemaFile: false,
    // Every subscription here declares its own `subscribe` (a durable, resumable stream), so
    // type-graphql's topic-based PubSub is never used; it insists on being given one anyway.
    pubSub: {
      publish: () => undefined,
      subscribe: () => {
        throw new Error('topic subscriptions are not used; give @Subscription a subscribe function');
      },
    },
  });
  const sdl = `${FEDERATION_LINK}\n\n${printSchemaWithDirectives(typeSchema)}\n`;
  const resolvers = createResolversMap(typeSchema) as GraphQLResolverMap<any>;
  for (const [typeName, fields] of Object.entries(definition.referenceResolvers ?? {})) {
    resolvers[typeName] = { ...(resolvers[typeName] as object), ...(fields as object) } as any;
  }
  const schema = buildSubgraphSchema({ typeDefs: parse(sdl), resolvers });
  return { schema, sdl };
}

/** What a running subgraph offers the gateway or its own HTTP server. */
export interface SubgraphRuntime<Context = unknown> {
  name: SubgraphName;
  schema: GraphQLSchema;
  db: Database;
  /** A fresh per-request context (its own DataLoaders) for the given caller. */
  createContext(identity: import('./auth').Identity | null, requestId: string): Context;
  /** HTTP routes besides GraphQL (channel webhooks): mounted on the gateway when embedded, on the subgraph's own server when scaled out. */
  routes?: import('express').Router;
  stop(): Promise<void>;
}
