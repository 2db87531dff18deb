import {
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';

/** A place inside a root field's arguments where a hostile value can go. */
interface Slot {
  readonly path: readonly string[];
  readonly type: string;
}

/** A value validation accepts, for filling the arguments the case does not target. */
function sample(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return [sample(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0]?.name;
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type));
    return Object.fromEntries(fields.map((f) => [f.name, sample(f.type)]));
  }
  const byScalar: Record<string, unknown> = {
    Int: 1,
    Float: 1,
    Boolean: true,
    ID: '1',
    String: 'x',
    DateTime: '2024-01-01T00:00:00.000Z',
    Date: '2024-01-01',
    JSONObject: {},
  };
  return byScalar[getNamedType(type).name] ?? 'x';
}

/** Every leaf under `type` (arguments and input fields, two levels deep), by path. */
function slots(type: GraphQLInputType, path: readonly string[], depth = 0): Slot[] {
  const named = getNamedType(type);
  if (isInputObjectType(named)) {
    if (depth >= 2) return [];
    return Object.values(named.getFields()).flatMap((f) => slots(f.type, [...path, f.name], depth + 1));
  }
  if (isScalarType(named) || isEnumType(named)) return [{ path, type: named.name }];
  return [];
}

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node[key] = typeof next === 'object' && next !== null && !Array.isArray(next) ? next : {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

export interface ArgumentCase {
  readonly name: string;
  readonly query: string;
  readonly variables: Record<string, unknown>;
}

/**
 * For every query and mutation field of `schema` with arguments, and every leaf of those
 * arguments: a request putting each payload in that leaf (as a variable, the other arguments
 * valid). New fields and arguments are covered as the schema grows.
 */
export function argumentCases(
  schema: GraphQLSchema,
  payloads: readonly (readonly [string, string])[],
): ArgumentCase[] {
  const roots = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const;
  return roots.flatMap(([kind, root]) =>
    Object.values(root?.getFields() ?? {}).flatMap((field: GraphQLField<unknown, unknown>) => {
      if (field.args.length === 0) return [];
      const definitions = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
      const uses = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
      const selection = isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '';
      const query = `${kind} Hostile(${definitions}) { ${field.name}(${uses})${selection} }`;
      const base = () =>
        Object.fromEntries(
          field.args.filter((a) => isNonNullType(a.type)).map((a) => [a.name, sample(a.type)]),
        );
      return field.args
        .flatMap((a) => slots(a.type, [a.name]))
        .flatMap((slot) =>
          payloads.map(([payloadName, payload]) => {
            const variables = base();
            setAt(variables, slot.path, payload);
            return {
              name: `${field.name}(${slot.path.join('.')}: ${slot.type}) <- ${payloadName}`,
              query,
              variables,
            };
          }),
        );
    }),
  );
}
