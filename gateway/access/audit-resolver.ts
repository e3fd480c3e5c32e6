import { Arg, Authorized, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import type { AccessContext } from './key-resolver';

export const AuditOutcome = { SUCCEEDED: 'SUCCEEDED', FAILED: 'FAILED', PARTIAL: 'PARTIAL' } as const;
registerEnumType(AuditOutcome, { name: 'AuditOutcome', description: 'PARTIAL: some root fields of the mutation failed, others succeeded.' });

@ObjectType({ description: 'One mutation: who sent it, what it was, when, and how it ended. Its variables are kept only as a digest.' })
export class AuditEntry {
  @Field(() => ID) id!: string;
  @Field(() => ID) keyId!: string;
  @Field() keyName!: string;
  @Field(() => String, { nullable: true }) operationName!: string | null;
  @Field(() => [String], { description: 'The root fields it called.' }) fields!: string[];
  @Field({ description: 'SHA-256 of the variables, keys sorted.' }) variablesDigest!: string;
  @Field(() => AuditOutcome) outcome!: keyof typeof AuditOutcome;
  @Field(() => [String]) errorCodes!: string[];
  @Field(() => ID) requestId!: string;
  @Field(() => Date) at!: Date;
}

@ObjectType()
export class RegisteredOperation {
  @Field(() => ID, { description: 'SHA-256 of the query text: the hash a persisted-query client sends.' }) id!: string;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field() query!: string;
  @Field(() => Date) createdAt!: Date;
}

@InputType()
export class RegisterOperationInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field() query!: string;
}

@Resolver()
export class AuditResolver {
  @Authorized('admin')
  @Query(() => [AuditEntry], { description: 'Mutations, newest first.' })
  auditLog(
    @Ctx() ctx: AccessContext,
    @Arg('keyId', () => ID, { nullable: true }) keyId?: string | null,
    @Arg('since', () => Date, { nullable: true }) since?: Date | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 100 }) first?: number | null,
  ): Promise<AuditEntry[]> {
    return ctx.audit.list({ keyId, since, first });
  }

  @Authorized('admin')
  @Query(() => [RegisteredOperation])
  registeredOperations(@Ctx() ctx: AccessContext): Promise<RegisteredOperation[]> {
    return ctx.operations.list();
  }

  @Authorized('admin')
  @Mutation(() => [RegisteredOperation], { description: 'Adds operations to the list that keys held to registered operations may run.' })
  registerOperations(@Arg('operations', () => [RegisterOperationInput]) operations: RegisterOperationInput[], @Ctx() ctx: AccessContext): Promise<RegisteredOperation[]> {
    return ctx.operations.register(operations);
  }
}
