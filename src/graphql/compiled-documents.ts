import type { DocumentNode, ExecutionResult, GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';

/** One document's operation compiled to a function (graphql-jit): same resolvers, same result as `execute`. */
export type CompiledOperation = (
  rootValue: unknown,
  contextValue: unknown,
  variables: Readonly<Record<string, unknown>> | null | undefined,
) => ExecutionResult | Promise<ExecutionResult>;

/**
 * Compiled operations by document and operation name, for documents executed again and again
 * (each event of a subscription): graphql-js walks the document, collects fields and builds
 * resolve infos on every `execute`; a compiled operation does that once. Held by document
 * (a WeakMap), so it goes with the document's cache entry.
 */
export class CompiledDocuments {
  private readonly byDocument = new WeakMap<DocumentNode, Map<string, CompiledOperation | undefined>>();

  constructor(private readonly schema: GraphQLSchema) {}

  /** The compiled operation, or undefined when graphql-jit cannot compile it (the caller executes it the usual way). */
  get(document: DocumentNode, operationName: string | null | undefined): CompiledOperation | undefined {
    let operations = this.byDocument.get(document);
    if (!operations) this.byDocument.set(document, (operations = new Map()));
    const name = operationName ?? '';
    if (operations.has(name)) return operations.get(name);
    const compiled = compileQuery(this.schema, document, operationName ?? undefined);
    const operation = isCompiledQuery(compiled)
      ? (compiled.query.bind(compiled) as CompiledOperation)
      : undefined;
    operations.set(name, operation);
    return operation;
  }
}
