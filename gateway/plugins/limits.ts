import type { ApolloServerPlugin } from '@apollo/server';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import { GraphQLError, validate } from 'graphql';
import type { RequestLimits } from '../../shared/config';
import { effectiveLimits } from '../access/key-policy';
import type { GatewayContext } from '../context';

const MEMO_SIZE = 5000;

function refused(error: GraphQLError): GraphQLError {
  return new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });
}

/**
 * Depth, aliases, tokens, directives and static cost of each operation, checked with GraphQL
 * Armor's rules against the caller's limits (its key's own, else the configured defaults)
 * after the document is parsed and validated and before anything executes. Verdicts are
 * remembered per query and limits, so a storefront repeating one query pays for them once.
 */
export function useLimits(defaults: RequestLimits): ApolloServerPlugin<GatewayContext> {
  const verdicts = new Map<string, GraphQLError | null>();

  const judge = (source: string, document: Parameters<typeof validate>[1], schema: Parameters<typeof validate>[0], limits: RequestLimits): GraphQLError | null => {
    try {
      // A rule reports what it finds, or throws it (max depth and the token-counting parser do): both refuse.
      const [error] = validate(schema, document, [
        maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true }),
        maxAliasesRule({ n: limits.maxAliases }),
        maxDirectivesRule({ n: limits.maxDirectives }),
        costLimitRule({ maxCost: limits.maxCost, ignoreIntrospection: true }),
      ]);
      if (error) return refused(error);
      new MaxTokensParserWLexer(source, { n: limits.maxTokens }).parseDocument();
      return null;
    } catch (error) {
      if (error instanceof GraphQLError) return refused(error);
      throw error;
    }
  };

  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, source, queryHash, document, schema }) {
          if (contextValue.internal) return;
          const limits = effectiveLimits(defaults, contextValue.policy?.limits);
          const memo = `${queryHash}|${limits.maxTokens},${limits.maxDepth},${limits.maxAliases},${limits.maxDirectives},${limits.maxCost}`;
          let verdict = verdicts.get(memo);
          if (verdict === undefined) {
            verdict = judge(source, document, schema, limits);
            if (verdicts.size >= MEMO_SIZE) verdicts.delete(verdicts.keys().next().value!);
            verdicts.set(memo, verdict);
          }
          if (verdict) throw verdict;
        },
      };
    },
  };
}
