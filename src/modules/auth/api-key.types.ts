import { IsInt, Length, Max, Min } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/pagination';
import type { ApiKey } from './api-key.entity';
import { keyStatus, MAX_EXPIRY_DAYS, MAX_KEY_NAME_LENGTH } from './api-key.service';
import { type EnumValue, lowercaseEnum } from '../../graphql/enums';

export const ApiKeyRoleEnum = lowercaseEnum(
  'ApiKeyRole',
  'What an API key may do. Each role includes the ones before it.',
  {
    READER: 'Read insights with the reader rate limit.',
    OPERATOR: 'Also read operational data (health details, jobs) and run operational mutations.',
    ADMIN: 'Also manage API keys and run administrative jobs.',
  },
);
export type ApiKeyRoleEnum = EnumValue<typeof ApiKeyRoleEnum>;

export const ApiKeyStatus = lowercaseEnum('ApiKeyStatus', 'Whether an API key is accepted.', {
  ACTIVE: 'Accepted.',
  REVOKED: 'Revoked by an administrator; refused.',
  EXPIRED: 'Past its expiry; refused.',
});
export type ApiKeyStatus = EnumValue<typeof ApiKeyStatus>;

@ObjectType('ApiKey', { description: 'An API key (never the key itself: it is shown once, at creation).' })
export class ApiKeyNode {
  @Field(() => ID, { description: 'Identifier of the key record.' })
  id!: string;

  @Field(() => String, { description: 'Name given at creation (who or what uses the key).' })
  name!: string;

  @Field(() => String, {
    description: 'Public prefix of the key (`gia_xxxxxxxx`), to recognise it in logs and listings.',
  })
  prefix!: string;

  @Field(() => ApiKeyRoleEnum, { description: 'What the key may do.' })
  role!: ApiKeyRoleEnum;

  @Field(() => ApiKeyStatus, { description: 'Whether the key is accepted now.' })
  status!: ApiKeyStatus;

  @Field(() => Date, { description: 'When the key was created.' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the key stops being accepted; null for never.' })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the key was revoked; null when it was not.' })
  revokedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Last use, to the minute; null when never used.' })
  lastUsedAt!: Date | null;

  static from(apiKey: ApiKey, now: Date): ApiKeyNode {
    return Object.assign(new ApiKeyNode(), {
      id: apiKey.id,
      name: apiKey.name,
      prefix: apiKey.prefix,
      role: apiKey.role as ApiKeyRoleEnum,
      status: keyStatus(apiKey, now) as ApiKeyStatus,
      createdAt: apiKey.createdAt,
      expiresAt: apiKey.expiresAt,
      revokedAt: apiKey.revokedAt,
      lastUsedAt: apiKey.lastUsedAt,
    });
  }
}

export const ApiKeyConnection = Connection(ApiKeyNode, 'ApiKey', 'API key');

@InputType({ description: 'A new API key.' })
export class CreateApiKeyInput {
  @Length(1, MAX_KEY_NAME_LENGTH)
  @Field(() => String, { description: `Who or what will use the key (1-${MAX_KEY_NAME_LENGTH} characters).` })
  name!: string;

  @Field(() => ApiKeyRoleEnum, { description: 'What the key may do.' })
  role!: ApiKeyRoleEnum;

  @IsInt()
  @Min(1)
  @Max(MAX_EXPIRY_DAYS)
  @Field(() => Int, {
    nullable: true,
    description: `Days until the key expires (1-${MAX_EXPIRY_DAYS}); omit for no expiry.`,
  })
  expiresInDays?: number | null;
}

@ObjectType({ description: 'The created key. `key` is shown only here: store it now.' })
export class CreateApiKeyPayload {
  @Field(() => ApiKeyNode, { description: 'The key record.' })
  apiKey!: ApiKeyNode;

  @Field(() => String, {
    description: 'The API key, to send as `Authorization: Bearer <key>`. Never shown again.',
  })
  key!: string;
}

@InputType({ description: 'The key to revoke.' })
export class RevokeApiKeyInput {
  @Length(1, 64)
  @Field(() => String, { description: 'The key record id, or its prefix (`gia_xxxxxxxx`).' })
  idOrPrefix!: string;
}

@ObjectType({ description: 'The revoked key.' })
export class RevokeApiKeyPayload {
  @Field(() => ApiKeyNode, { description: 'The key record, now revoked.' })
  apiKey!: ApiKeyNode;
}

@ObjectType('Viewer', { description: 'Who is calling.' })
export class ViewerNode {
  @Field(() => Boolean, { description: 'Whether the request carried a valid API key.' })
  authenticated!: boolean;

  @Field(() => ApiKeyRoleEnum, { nullable: true, description: "The key's role; null for anonymous callers." })
  role!: ApiKeyRoleEnum | null;

  @Field(() => String, {
    nullable: true,
    description: "The key's public prefix; null for anonymous callers.",
  })
  keyPrefix!: string | null;
}
