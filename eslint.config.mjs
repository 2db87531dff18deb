import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'data/',
      'coverage/',
      'scratch/',
      'test-artifacts/',
      'test/generated/',
      'infrastructure/templates/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    // The domain knows no transport (docs/architecture.md): services, entities, platform adapters,
    // core and configuration never import GraphQL or HTTP machinery; they throw DomainError from
    // src/core/errors.ts and the edges map it.
    files: [
      'src/core/**',
      'src/config/**',
      'src/platform/**',
      'src/modules/**/*.service.ts',
      'src/modules/**/*.entity.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'graphql', message: 'Transport-free code: throw DomainError (src/core/errors.ts).' },
            { name: 'type-graphql', message: 'GraphQL types belong to resolvers and *.types.ts.' },
            { name: 'fastify', message: 'HTTP belongs to src/http.' },
          ],
          patterns: [
            { group: ['@apollo/*', 'graphql-ws', 'graphql-ws/*'], message: 'Transport-free code.' },
            {
              group: ['**/graphql/*', '**/http/*'],
              message: 'Transport-free code: no src/graphql or src/http.',
            },
          ],
        },
      ],
    },
  },
  {
    // Configuration is pure data: it imports nothing else from src/.
    files: ['src/config/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'graphql', message: 'Configuration is pure data.' }],
          patterns: [{ group: ['../*'], message: 'src/config imports only src/config.' }],
        },
      ],
    },
  },
  {
    files: ['scripts/**', 'bench/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
  prettier,
);
