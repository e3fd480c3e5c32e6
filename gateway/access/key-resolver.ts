import { Arg, Authorized, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { Identity } from '../../shared/auth';
import type { AuditStore } from './audit-store';
import type { KeyStore } from './key-store';
import type { OperationStore } from './operation-store';

export interface AccessContext {
  identity: Identity | null;
  requestId: string;
  keys: KeyStore;
  audit: AuditStore;
  operations: OperationStore;
}

@ObjectType({ description: "A key's own limits; null ones fall back to the gateway's defaults." })
export class ApiKeyLimits {
  @Field(() => Int, { nullable: true, description: 'Deepest selection nesting.' }) maxDepth?: number;
  @Field(() => Int, { nullable: true, description: 'Aliases in one operation.' }) maxAliases?: number;
  @Field(() => Int, { nullable: true, description: 'Lexical tokens in one document.' }) maxTokens?: number;
  @Field(() => Int, { nullable: true, description: 'Directives in one operation.' }) maxDirectives?: number;
  @Field(() => Int, { nullable: true, description: 'Static cost of one operation.' }) maxCost?: number;
  @Field(() => Int, { nullable: true, description: 'Requests per rateWindowSeconds; 0 means unlimited.' }) rateLimit?: number;
  @Field(() => Int, { nullable: true }) rateWindowSeconds?: number;
  @Field(() => Int, { nullable: true, description: 'Execution time-out in milliseconds.' }) timeoutMs?: number;
}

@InputType()
export class ApiKeyLimitsInput {
  @Field(() => Int, { nullable: true }) maxDepth?: number | null;
  @Field(() => Int, { nullable: true }) maxAliases?: number | null;
  @Field(() => Int, { nullable: true }) maxTokens?: number | null;
  @Field(() => Int, { nullable: true }) maxDirectives?: number | null;
  @Field(() => Int, { nullable: true }) maxCost?: number | null;
  @Field(() => Int, { nullable: true }) rateLimit?: number | null;
  @Field(() => Int, { nullable: true }) rateWindowSeconds?: number | null;
  @Field(() => Int, { nullable: true }) timeoutMs?: number | null;
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
  @Field(() => Date, { nullable: true, description: 'Recorded at most once a minute.' }) lastUsedAt!: Date | null;
  @Field(() => Date, { nullable: true }) rotatedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'Until then the secret the last rotation replaced still works.' }) previousSecretExpiresAt!: Date | null;
  @Field(() => ApiKeyLimits) limits!: ApiKeyLimits;
  @Field({ description: 'The key may run only registered operations.' }) registeredOperationsOnly!: boolean;
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
  @Field(() => ApiKeyLimitsInput, { nullable: true }) limits?: ApiKeyLimitsInput | null;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) registeredOperationsOnly?: boolean | null;
}

@InputType()
export class UpdateApiKeyInput {
  @Field(() => ID) id!: string;
  @Field(() => ApiKeyLimitsInput, { nullable: true, description: 'Replaces every limit of the key; omitted keeps them.' }) limits?: ApiKeyLimitsInput | null;
  @Field(() => Boolean, { nullable: true }) registeredOperationsOnly?: boolean | null;
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
    return ctx.keys.create({ ...input, limits: input.limits ? { ...input.limits } : null });
  }

  @Authorized('admin')
  @Mutation(() => ApiKey, { description: 'Effective on the next request.' })
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: AccessContext): Promise<ApiKey> {
    return ctx.keys.revoke(id);
  }

  @Authorized('admin')
  @Mutation(() => CreatedApiKey, { description: 'A new secret for the key; the old one keeps working for overlapSeconds.' })
  rotateApiKey(
    @Arg('id', () => ID) id: string,
    @Arg('overlapSeconds', () => Int, { nullable: true, defaultValue: 3600 }) overlapSeconds: number | null,
    @Ctx() ctx: AccessContext,
  ): Promise<CreatedApiKey> {
    return ctx.keys.rotate(id, overlapSeconds ?? 3600);
  }

  @Authorized('admin')
  @Mutation(() => ApiKey, { description: "Changes a key's limits or its registered-operations flag; effective on the next request." })
  updateApiKey(@Arg('input', () => UpdateApiKeyInput) input: UpdateApiKeyInput, @Ctx() ctx: AccessContext): Promise<ApiKey> {
    return ctx.keys.update(input.id, { limits: input.limits === undefined ? undefined : { ...input.limits }, registeredOperationsOnly: input.registeredOperationsOnly });
  }
}
