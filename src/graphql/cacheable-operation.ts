import {
  type DocumentNode,
  type FieldNode,
  Kind,
  type OperationDefinitionNode,
  parse,
  valueFromASTUntyped,
} from 'graphql';

/**
 * Which root query fields may be answered from the response cache, and the tags of what data an
 * answer shows (from the field's arguments): the composition root declares them; anything else
 * (mutations, subscriptions, fields not listed, such as `viewer` or `apiKeys`) is never cached.
 */
export type RootFieldTags = (args: Readonly<Record<string, unknown>>) => readonly string[];

export interface RootFieldPolicy {
  readonly tags: RootFieldTags;
  /** Direct subfields whose value changes without a data-change event: selecting one makes it uncacheable. */
  readonly unless?: readonly string[];
}

export interface ResponseCachePolicy {
  readonly rootFields: Readonly<Record<string, RootFieldPolicy>>;
}

export type OperationPlan =
  | { readonly cacheable: false }
  | {
      readonly cacheable: true;
      readonly document: DocumentNode;
      readonly operationName: string | undefined;
      /** The tags of the answer to these variables. */
      tags(variables: Readonly<Record<string, unknown>>): readonly string[];
    };

const NOT_CACHEABLE: OperationPlan = { cacheable: false };

function selectedOperation(
  document: DocumentNode,
  name: string | undefined,
): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (name === undefined) return operations.length === 1 ? operations[0] : undefined;
  return operations.find((o) => o.name?.value === name);
}

/**
 * Plans one document: cacheable when the chosen operation is a query whose root selections are
 * only fields the policy lists (and `__typename`). Never throws: a document that does not parse is
 * not cacheable (the pipeline reports the error).
 */
export function planOperation(
  policy: ResponseCachePolicy,
  query: string,
  operationName: string | undefined,
  maxTokens: number,
): OperationPlan {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens });
  } catch {
    return NOT_CACHEABLE;
  }
  const operation = selectedOperation(document, operationName);
  if (operation?.operation !== 'query') return NOT_CACHEABLE;
  const fields: { readonly node: FieldNode; readonly tagsOf: RootFieldTags }[] = [];
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) return NOT_CACHEABLE;
    if (selection.name.value === '__typename') continue;
    const field = Object.hasOwn(policy.rootFields, selection.name.value)
      ? policy.rootFields[selection.name.value]
      : undefined;
    if (!field) return NOT_CACHEABLE;
    const selects = (name: string) =>
      selection.selectionSet?.selections.some((s) => s.kind !== Kind.FIELD || s.name.value === name);
    if (field.unless?.some(selects)) return NOT_CACHEABLE;
    fields.push({ node: selection, tagsOf: field.tags });
  }
  // Nothing but `__typename`: nothing worth keeping (and the floor measures the pipeline).
  if (fields.length === 0) return NOT_CACHEABLE;
  return {
    cacheable: true,
    document,
    operationName,
    tags(variables) {
      const tags = new Set<string>();
      for (const { node, tagsOf } of fields) {
        const args = Object.fromEntries(
          (node.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value, variables)]),
        );
        for (const tag of tagsOf(args)) tags.add(tag);
      }
      return [...tags];
    },
  };
}
