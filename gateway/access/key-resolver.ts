import { Arg, Authorized, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { Identity } from '../../shared/auth';
import type { KeyStore } from './key-store';

export interface AccessContext {
  identity: Identity | null;
  requestId: string;
  keys: KeyStore;
}

@ObjectType({ description: 'A key partners and storefronts call the API with. Its secret is never shown again.' })
export class ApiKey {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => [String]) scopes!: string[];
  @Field(() => [ID], { nullable: true, description: 'The channels it is bound to; null when not channel-bound.' }) channels!: string[] | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) expiresAt!: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field(() => Date, { nullable: true }) lastUsedAt!: Date | null;
}

@ObjectType()
export class CreatedApiKey {
  @Field(() => ApiKey) key!: ApiKey;
  @Field({ description: 'Shown once; only its hash is stored.' }) secret!: string;
}

@InputType()
export class CreateApiKeyInput {
  @Field() name!: string;
  @Field(() => [String]) scopes!: string[];
  @Field(() => [ID], { nullable: true }) channels?: string[] | null;
  @Field(() => Date, { nullable: true }) expiresAt?: Date | null;
}

@Resolver()
export class KeyResolver {
  @Authorized('admin')
  @Query(() => [ApiKey])
  apiKeys(@Ctx() ctx: AccessContext): Promise<ApiKey[]> {
    return ctx.keys.list();
  }

  @Authorized('admin')
  @Mutation(() => CreatedApiKey)
  createApiKey(@Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: AccessContext): Promise<CreatedApiKey> {
    return ctx.keys.create(input);
  }

  @Authorized('admin')
  @Mutation(() => ApiKey, { description: 'Effective on the next request.' })
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: AccessContext): Promise<ApiKey> {
    return ctx.keys.revoke(id);
  }
}
