import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import type { DocumentNode } from 'graphql';
import { nestedTooDeeply, queryTooComplex } from './limit-error';

/**
 * Parses a document, stopping as soon as it passes `maxTokens` lexical tokens (GraphQL Armor's
 * counting parser), so a huge document costs at most that much work before it is refused with
 * QUERY_TOO_COMPLEX. Syntax errors are thrown unchanged (GRAPHQL_PARSE_FAILED upstream).
 */
export function parseWithinTokenLimit(source: string, maxTokens: number): DocumentNode {
  let exceeded = false;
  const parser = new MaxTokensParserWLexer(source, {
    n: maxTokens,
    onReject: [
      () => {
        exceeded = true;
      },
    ],
  });
  try {
    return parser.parseDocument();
  } catch (error) {
    if (exceeded) throw queryTooComplex('tokens', maxTokens);
    // The parser recurses once per nesting level: `[[[[...]]]]` within the token limit can still
    // exhaust the stack. That is a refusal too, never an internal error.
    if (error instanceof RangeError) throw nestedTooDeeply();
    throw error;
  }
}
