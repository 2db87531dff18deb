import type { EntityManager } from '@mikro-orm/postgresql';
import { decodeGlobalId, type NodeTypeName } from '../../core/global-id';
import type { NodeFetcher } from '../../core/module';

/** `node(id:)`: any object with a global id, fetched by the module that owns its type. */
export class NodeService {
  constructor(private readonly fetchers: Partial<Record<NodeTypeName, NodeFetcher>>) {}

  async node(em: EntityManager, globalId: string): Promise<object | null> {
    const { type, id } = decodeGlobalId(globalId);
    const fetch = this.fetchers[type];
    if (!fetch) throw new Error(`no module resolves ${type} node ids`);
    return fetch(em, id);
  }
}
