import { type ASTNode, type DocumentNode, GraphQLError, Kind, visit } from 'graphql';

/**
 * GitHub's GraphQL server is graphql-ruby, and its error objects look different from
 * graphql-js's: validation errors carry `path` (starting with the operation), `extensions.code`
 * (`undefinedField`, `argumentNotAccepted`, `missingRequiredArguments`, ...) and ruby-style
 * messages (`Field 'logn' doesn't exist on type 'User'`); execution errors carry a top-level
 * `type` (`NOT_FOUND`, `RATE_LIMITED`, `MAX_NODE_LIMIT_EXCEEDED`, ...). The stand-in converts,
 * so a client's error handling meets the shapes it will meet in production.
 */
export interface GitHubGraphQLError {
  readonly message: string;
  readonly type?: string;
  readonly path?: readonly (string | number)[];
  readonly locations?: readonly { line: number; column: number }[];
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** An error a resolver throws to produce GitHub's `type`d execution error. */
export class GitHubTypedError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

function locations(error: GraphQLError): { line: number; column: number }[] | undefined {
  return error.locations?.map((l) => ({ line: l.line, column: l.column }));
}

/** The path graphql-ruby reports: operation (`query` or `query Name`), then field aliases/names. */
function pathTo(document: DocumentNode, target: ASTNode | undefined): string[] | undefined {
  if (!target) return undefined;
  let found: string[] | undefined;
  visit(document, {
    enter(node, _key, _parent, _path, ancestors) {
      if (node !== target || found) return undefined;
      const chain = [...ancestors, node].filter(
        (a): a is ASTNode => !Array.isArray(a) && typeof a === 'object' && 'kind' in a,
      );
      found = chain.flatMap((a) => {
        if (a.kind === Kind.OPERATION_DEFINITION)
          return [a.name ? `${a.operation} ${a.name.value}` : a.operation];
        if (a.kind === Kind.FRAGMENT_DEFINITION) return [`fragment ${a.name.value}`];
        if (a.kind === Kind.FIELD) return [a.alias?.value ?? a.name.value];
        return [];
      });
      return false;
    },
  });
  return found;
}

const RULES: readonly [
  RegExp,
  (m: RegExpExecArray) => { message: string; code: string; extra: Record<string, string> },
][] = [
  [
    /^Cannot query field "(\w+)" on type "(\w+)"/,
    (m) => ({
      message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`,
      code: 'undefinedField',
      extra: { typeName: m[2]!, fieldName: m[1]! },
    }),
  ],
  [
    /^Unknown argument "(\w+)" on field "(\w+)\.(\w+)"/,
    (m) => ({
      message: `Field '${m[3]}' doesn't accept argument '${m[1]}'`,
      code: 'argumentNotAccepted',
      extra: { name: m[3]!, typeName: 'Field', argumentName: m[1]! },
    }),
  ],
  [
    /^Field "(\w+)" argument "(\w+)" of type "[^"]+" is required/,
    (m) => ({
      message: `Field '${m[1]}' is missing required arguments: ${m[2]}`,
      code: 'missingRequiredArguments',
      extra: { className: 'Field', name: m[1]!, arguments: m[2]! },
    }),
  ],
  [
    /^Unknown type "(\w+)"/,
    (m) => ({
      message: `No such type ${m[1]}, so it can't be a fragment condition`,
      code: 'undefinedType',
      extra: { typeName: m[1]! },
    }),
  ],
];

export function validationErrorToGitHub(error: GraphQLError, document: DocumentNode): GitHubGraphQLError {
  for (const [pattern, convert] of RULES) {
    const match = pattern.exec(error.message);
    if (!match) continue;
    const { message, code, extra } = convert(match);
    return {
      path: pathTo(document, error.nodes?.[0]),
      extensions: { code, ...extra },
      locations: locations(error),
      message,
    };
  }
  return {
    path: pathTo(document, error.nodes?.[0]),
    extensions: { code: 'validationError' },
    locations: locations(error),
    message: error.message,
  };
}

/** graphql-ruby's parse error: `Parse error on "}" (RCURLY) at [3, 5]`. */
export function parseErrorToGitHub(error: unknown): GitHubGraphQLError {
  if (!(error instanceof GraphQLError)) return { message: String(error) };
  const where = error.locations?.[0];
  const found = /found (.+?)\.?$/.exec(error.message)?.[1] ?? 'end of file';
  return {
    message: `Parse error on ${found}${where ? ` at [${where.line}, ${where.column}]` : ''}`,
    locations: locations(error),
  };
}

/** An execution error: a `type` when a resolver gave one, else graphql-js's message. */
export function executionErrorToGitHub(error: GraphQLError): GitHubGraphQLError {
  const original = error.originalError;
  return {
    ...(original instanceof GitHubTypedError ? { type: original.type } : {}),
    path: error.path,
    locations: locations(error),
    message: error.message,
  };
}
