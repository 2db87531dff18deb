import { Arg, Authorized, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { encodeCursor, pageSize, toConnection } from '../../core/cursors';
import { API_KEY_CURSOR_TAG, apiKeyCursorPosition, type ApiKeyService } from './api-key.service';
import {
  ApiKeyConnection,
  ApiKeyNode,
  type ApiKeyRoleEnum,
  CreateApiKeyInput,
  CreateApiKeyPayload,
  RevokeApiKeyInput,
  RevokeApiKeyPayload,
  ViewerNode,
} from './api-key.types';

@Resolver()
export class ApiKeyResolver {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  @Query(() => ViewerNode, { description: 'Who is calling: anonymous, or an API key and its role.' })
  viewer(@Ctx() { viewer }: GraphQLContext): ViewerNode {
    const authenticated = viewer.kind === 'apiKey';
    return Object.assign(new ViewerNode(), {
      authenticated,
      role: authenticated ? (viewer.role as ApiKeyRoleEnum) : null,
      keyPrefix: authenticated ? viewer.keyPrefix : null,
    });
  }

  @Authorized('admin')
  @Query(() => ApiKeyConnection, { description: 'API keys, newest first (admin).' })
  async apiKeys(
    @Ctx() { em }: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1-100 (default 20).' })
    first?: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after.' }) after?: string,
  ): Promise<InstanceType<typeof ApiKeyConnection>> {
    const size = pageSize(first);
    const position = after ? apiKeyCursorPosition(after) : undefined;
    const rows = await this.keys.list(em, { limit: size + 1, ...position });
    const now = this.now();
    const nodes = rows.map((row) => ApiKeyNode.from(row, now));
    const total = await this.keys.count(em);
    return toConnection(nodes, size, total, after !== undefined && after !== null, (n) =>
      encodeCursor([API_KEY_CURSOR_TAG, n.createdAt.toISOString(), n.id]),
    );
  }

  @Authorized('admin')
  @Mutation(() => CreateApiKeyPayload, {
    description: 'Creates an API key; the key is in the payload only (admin).',
  })
  async createApiKey(
    @Ctx() { em }: GraphQLContext,
    @Arg('input', () => CreateApiKeyInput, { description: 'The new key.' }) input: CreateApiKeyInput,
  ): Promise<CreateApiKeyPayload> {
    const { apiKey, key } = await this.keys.create(em, input);
    return Object.assign(new CreateApiKeyPayload(), { apiKey: ApiKeyNode.from(apiKey, this.now()), key });
  }

  @Authorized('admin')
  @Mutation(() => RevokeApiKeyPayload, { description: 'Revokes an API key at once (admin).' })
  async revokeApiKey(
    @Ctx() { em }: GraphQLContext,
    @Arg('input', () => RevokeApiKeyInput, { description: 'The key to revoke.' }) input: RevokeApiKeyInput,
  ): Promise<RevokeApiKeyPayload> {
    const apiKey = await this.keys.revoke(em, input.idOrPrefix);
    return Object.assign(new RevokeApiKeyPayload(), { apiKey: ApiKeyNode.from(apiKey, this.now()) });
  }
}
