import type { EntityManager } from '@mikro-orm/postgresql';
import { Arg, Ctx, Resolver, Root, Subscription } from 'type-graphql';
import { isResync, type ResyncMarker, TOPICS, type UserUpdatedPayload } from '../../core/topics';
import type { GraphQLContext } from '../../graphql/context';
import { GithubUser } from './github-user.entity';
import { loginKey, loginTopic } from './login';
import { UserNode, UserUpdatedEvent } from './user.types';

async function storedUser(em: EntityManager, login: string): Promise<UserNode | null> {
  const user = await em.findOne(GithubUser, { loginKey: loginKey(login) });
  return user ? UserNode.from(user) : null;
}

@Resolver()
export class UserUpdatedResolver {
  @Subscription(() => UserUpdatedEvent, {
    topics: loginTopic(TOPICS.USER_UPDATED),
    description:
      'The developer after each change of what we store (a harvest finished), whichever process stored it.',
  })
  async userUpdated(
    @Root() event: UserUpdatedPayload | ResyncMarker,
    @Ctx() { em }: GraphQLContext,
    @Arg('login', () => String, { description: 'GitHub login (case-insensitive).' }) login: string,
  ): Promise<UserUpdatedEvent> {
    return Object.assign(new UserUpdatedEvent(), {
      login,
      resync: isResync(event),
      user: await storedUser(em, login),
    });
  }
}
