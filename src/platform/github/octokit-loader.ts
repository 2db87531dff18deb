import type { Octokit, OctokitOptions } from '@octokit/core';
import type { PaginateInterface } from '@octokit/plugin-paginate-rest';

/** Octokit core with REST pagination (`octokit.paginate`). */
export type GitHubOctokit = Octokit & { readonly paginate: PaginateInterface };
export type GitHubOctokitConstructor = new (options?: OctokitOptions) => GitHubOctokit;

/**
 * Loads Octokit, which ships only as ES modules since @octokit/core 6, from this CommonJS
 * project. `import()` stays a real dynamic import in tsc's CommonJS output under
 * `module: NodeNext`, and works the same under tsx and Vitest; it needs no Node flag and no
 * `require(esm)` support (absent before Node 20.19). Type-only imports above cost nothing at run
 * time.
 */
export async function loadOctokit(): Promise<GitHubOctokitConstructor> {
  const [{ Octokit: OctokitCore }, { paginateRest }] = await Promise.all([
    import('@octokit/core'),
    import('@octokit/plugin-paginate-rest'),
  ]);
  return OctokitCore.plugin(paginateRest) as unknown as GitHubOctokitConstructor;
}
