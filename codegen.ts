import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for the test operations (and a template for clients): `npm run codegen`.
 * CI runs it with `--check`, so the committed output always matches schema/ and test/operations/.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['test/operations/**/*.graphql'],
  generates: {
    'test/generated/graphql.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        scalars: { DateTime: 'string', Date: 'string', JSONObject: 'Record<string, unknown>' },
        enumsAsTypes: true,
        useTypeImports: true,
        avoidOptionals: { field: true, inputValue: false },
      },
    },
  },
};

export default config;
