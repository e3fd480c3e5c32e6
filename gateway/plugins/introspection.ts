import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, visit, type DocumentNode } from 'graphql';
import { hasScope } from '../../shared/auth';
import type { GatewayContext } from '../context';

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

function introspects(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') found = true;
    },
  });
  return found;
}

/**
 * The schema is for admins to explore: other keys get FORBIDDEN for `__schema` and `__type`
 * (`__typename` stays, clients need it) and error messages without "Did you mean ...?", which
 * would otherwise spell out field and type names one guess at a time.
 */
export function useAdminIntrospection(): ApolloServerPlugin<GatewayContext> {
  const verdicts = new WeakMap<DocumentNode, boolean>();
  return {
    async requestDidStart({ contextValue }) {
      if (hasScope(contextValue.identity, 'admin')) return;
      return {
        async didResolveOperation({ document }) {
          let verdict = verdicts.get(document);
          if (verdict === undefined) verdicts.set(document, (verdict = introspects(document)));
          if (verdict) throw new GraphQLError('Introspection is for admin keys only', { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          response.body.singleResult.errors = response.body.singleResult.errors.map((error) => {
            const message = error.message.replace(SUGGESTION, '');
            return message === error.message ? error : { ...error, message };
          });
        },
      };
    },
  };
}
