import { registerEnumType } from 'type-graphql';

/** The values of an enum object made by `graphqlEnum` or `lowercaseEnum`, as a type. */
export type EnumValue<E> = E[keyof E];

function register(
  name: string,
  description: string,
  descriptions: Record<string, string>,
  value: (key: string) => string,
) {
  const values = Object.fromEntries(Object.keys(descriptions).map((key) => [key, value(key)]));
  registerEnumType(values, {
    name,
    description,
    valuesConfig: Object.fromEntries(
      Object.entries(descriptions).map(([key, text]) => [key, { description: text }]),
    ),
  });
  return values;
}

/**
 * A GraphQL enum whose values are its names (`STARS: 'STARS'`), declared once with a description
 * for the type and for every value (schema convention: everything described).
 */
export function graphqlEnum<const D extends Record<string, string>>(
  name: string,
  description: string,
  descriptions: D,
): { readonly [K in keyof D & string]: K } {
  return register(name, description, descriptions, (key) => key) as { readonly [K in keyof D & string]: K };
}

/** The same for an enum whose values are the lowercase names stored in the database (`NOT_FOUND: 'not_found'`). */
export function lowercaseEnum<const D extends Record<string, string>>(
  name: string,
  description: string,
  descriptions: D,
): { readonly [K in keyof D & string]: Lowercase<K> } {
  return register(name, description, descriptions, (key) => key.toLowerCase()) as {
    readonly [K in keyof D & string]: Lowercase<K>;
  };
}
