import { defineModule, moduleKey } from '../../core/module';
import { NodeResolver } from './node.resolver';
import { NodeService } from './node.service';

/** `node(id:)` over the Node types of every module listed before this one. */
export const nodesModule = defineModule({
  key: moduleKey('nodes'),
  entities: [],
  resolvers: [NodeResolver],
  create(_platform, { created }) {
    const fetchers = Object.assign({}, ...created.map((module) => module.nodes ?? {}));
    return {
      resolvers: [new NodeResolver(new NodeService(fetchers))],
      exports: undefined,
    };
  },
});
