import type { EntityManager } from '@mikro-orm/postgresql';
import { RepositoryNode } from '../repositories/repository.types';
import { GithubUser } from './github-user.entity';
import { decodeGlobalId } from '../../core/global-id';
import type { Node } from './node.types';
import { UserNode } from './user.types';

/** `node(id:)`: any object with a global id, or null when it no longer exists. */
export class NodeService {
  async node(em: EntityManager, globalId: string): Promise<Node | null> {
    const { type, id } = decodeGlobalId(globalId);
    if (type === 'User') {
      const user = await em.findOne(GithubUser, { id });
      return user ? UserNode.from(user) : null;
    }
    const [row] = await em.execute<Record<string, unknown>[]>('select * from repository where id = ?', [id]);
    return row ? RepositoryNode.fromRow(row) : null;
  }
}
