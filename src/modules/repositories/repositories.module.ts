import { defineModule, moduleKey } from '../../core/module';
import { type LanguageSharesLoader, LanguageSharesService } from './language-shares.service';
import { Repository } from './repository.entity';
import { type RepositoryPagesLoader, RepositoryPagesService } from './repository-pages.service';
import { UserRepositoriesResolver } from './repository.resolver';
import { findRepositoryNode } from './repository.rows';

declare module '../../core/loaders' {
  interface Loaders {
    /** `User.repositories`: one query per page shape for a request's developers. */
    repositoryPages: RepositoryPagesLoader;
    /** `User.languages`: one grouped query for a request's developers. */
    languageShares: LanguageSharesLoader;
  }
}

/** Repositories: the table, `User.repositories` and `User.languages`, and `node(id:)` for them. */
export const repositoriesModule = defineModule({
  key: moduleKey('repositories'),
  entities: [Repository],
  resolvers: [UserRepositoriesResolver],
  create({ cache }) {
    const pages = new RepositoryPagesService(cache);
    const languages = new LanguageSharesService(cache);
    return {
      resolvers: [new UserRepositoriesResolver(pages, languages)],
      loaders: {
        repositoryPages: (em) => pages.createLoader(em),
        languageShares: (em) => languages.createLoader(em),
      },
      nodes: { Repository: findRepositoryNode },
      exports: undefined,
    };
  },
});
