import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CONNECTOR_KINDS, OUTAGE_FALLBACKS } from '../domain/connector-settings';
import { HEALTH_STATES } from '../domain/outage';
import { SYNC_STATES } from '../domain/push-plan';
import { enumOf, SkuReference as Sku, ChannelReference as Channel } from '../../../shared/graphql-references';

export const ConnectorKind = enumOf(CONNECTOR_KINDS);
registerEnumType(ConnectorKind, { name: 'ConnectorKind', description: 'The channel API a connector speaks.' });
export const OutageFallback = enumOf(OUTAGE_FALLBACKS);
registerEnumType(OutageFallback, { name: 'OutageFallback', description: 'What happens while a channel cannot be reached for longer than its outage limit.' });
export const SyncStatus = enumOf(SYNC_STATES);
registerEnumType(SyncStatus, { name: 'SyncStatus', description: "Where a listing's quantity on its channel stands." });
export const ChannelHealthState = enumOf(HEALTH_STATES);
registerEnumType(ChannelHealthState, { name: 'ChannelHealthState' });

@ObjectType({ description: 'A difference between what a channel shows and what stockgraph computes, found by reconciliation.' })
export class ListingDrift {
  @Field(() => Int) channelQuantity!: number;
  @Field(() => Date, { description: 'When reconciliation first found it.' }) since!: Date;
  @Field(() => Date) lastSeenAt!: Date;
}

@ObjectType({ description: "A listing's quantity on its channel: what it should be, what was last pushed, and how that went." })
export class ListingSync {
  @Field(() => Channel) channel!: Channel;
  @Field(() => ID) externalId!: string;
  @Field(() => Sku) sku!: Sku;
  @Field(() => Int) unitsPerListing!: number;
  @Field(() => SyncStatus, { description: 'PENDING while a newer value waits to be pushed.' }) status!: keyof typeof SyncStatus;
  @Field(() => Int, { description: 'What the channel should show now: whole listings of the availability, less any outage hold-back.' }) quantity!: number;
  @Field(() => Int, { nullable: true }) lastPushedQuantity!: number | null;
  @Field(() => Date, { nullable: true, description: 'When the channel accepted the last push.' }) lastPushedAt!: Date | null;
  @Field({ description: 'The channel accepted the current quantity.' }) acknowledged!: boolean;
  @Field(() => Date, { nullable: true, description: 'Since when a change has been waiting to reach the channel.' }) pendingSince!: Date | null;
  @Field(() => Int, { description: 'Failed attempts at the current value.' }) attempts!: number;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => Date, { nullable: true }) lastAttemptAt!: Date | null;
  @Field(() => Int, { nullable: true, description: 'What the channel is believed to show (last accepted push or last read).' }) channelQuantity!: number | null;
  @Field(() => ListingDrift, { nullable: true }) drift!: ListingDrift | null;
}

@ObjectType({ description: 'A push that kept failing: kept with its error until the channel takes the listing again.' })
export class ParkedPush {
  @Field(() => Channel) channel!: Channel;
  @Field(() => ID) externalId!: string;
  @Field(() => Int) quantity!: number;
  @Field() error!: string;
  @Field(() => Int) attempts!: number;
  @Field(() => Date) parkedAt!: Date;
}

@ObjectType()
export class ChannelSyncHealth {
  @Field(() => ChannelHealthState) state!: keyof typeof ChannelHealthState;
  @Field(() => Date, { nullable: true }) failingSince!: Date | null;
  @Field(() => Date, { nullable: true }) downSince!: Date | null;
  @Field(() => Date, { nullable: true }) lastSuccessAt!: Date | null;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => Int) consecutiveFailures!: number;
  @Field(() => OutageFallback, { nullable: true, description: 'The fallback applied now, while the channel is DOWN.' }) fallbackApplied!: keyof typeof OutageFallback | null;
}

@ObjectType()
export class PushRateLimit {
  @Field(() => Float) perSecond!: number;
  @Field(() => Int) burst!: number;
}

@ObjectType()
export class PushRetryPolicy {
  @Field(() => Int) baseMs!: number;
  @Field(() => Int) maxMs!: number;
  @Field(() => Int) maxAttempts!: number;
}

@ObjectType()
export class ChannelOutagePolicy {
  @Field(() => Int) limitMs!: number;
  @Field(() => OutageFallback) fallback!: keyof typeof OutageFallback;
  @Field(() => Int) bufferUnits!: number;
}

@ObjectType()
export class ChannelDriftPolicy {
  @Field(() => Int) threshold!: number;
  @Field() correct!: boolean;
}

@ObjectType({ description: 'How stockgraph reaches a channel. Secrets are never shown, only whether they are set.' })
export class ChannelConnector {
  @Field(() => Channel) channel!: Channel;
  @Field(() => ConnectorKind) kind!: keyof typeof ConnectorKind;
  @Field() baseUrl!: string;
  @Field() enabled!: boolean;
  @Field() hasAccessToken!: boolean;
  @Field() hasWebhookSecret!: boolean;
  @Field(() => String, { nullable: true, description: 'Where the channel should send order webhooks, relative to the gateway (or the sync service when scaled out).' }) webhookPath!: string | null;
  @Field(() => String, { nullable: true }) shopifyLocationId!: string | null;
  @Field(() => String, { nullable: true }) amazonSellerId!: string | null;
  @Field(() => String, { nullable: true }) amazonMarketplaceId!: string | null;
  @Field(() => PushRateLimit) rateLimit!: PushRateLimit;
  @Field(() => Int) batchSize!: number;
  @Field(() => Int) concurrency!: number;
  @Field(() => Int) timeoutMs!: number;
  @Field(() => PushRetryPolicy) retry!: PushRetryPolicy;
  @Field(() => ChannelOutagePolicy) outage!: ChannelOutagePolicy;
  @Field(() => ChannelDriftPolicy) drift!: ChannelDriftPolicy;
  @Field(() => ChannelSyncHealth) health!: ChannelSyncHealth;
  @Field(() => Int, { description: 'Listings waiting to be pushed.' }) pending!: number;
  @Field(() => Int, { description: 'Listings parked after failing.' }) parked!: number;
}

@ObjectType()
export class DriftFinding {
  @Field(() => ID) externalId!: string;
  @Field(() => Sku) sku!: Sku;
  @Field(() => Int) channelQuantity!: number;
  @Field(() => Int) expectedQuantity!: number;
}

@ObjectType({ description: 'What one reconciliation of a channel found.' })
export class DriftReport {
  @Field(() => Channel) channel!: Channel;
  @Field(() => Date) startedAt!: Date;
  @Field(() => Int) checked!: number;
  @Field(() => Int) corrected!: number;
  @Field(() => [DriftFinding], { description: 'Listings off by more than the channel threshold (the first 200).' }) drifts!: DriftFinding[];
}

@InputType()
export class ConnectorCredentialsInput {
  @Field(() => String, { nullable: true, description: 'Shopify Admin API access token, or an Amazon LWA access token. `env:NAME` reads it from the environment.' }) accessToken?: string | null;
  @Field(() => String, { nullable: true, description: "Shopify: the app's client secret, which signs webhooks." }) webhookSecret?: string | null;
  @Field(() => String, { nullable: true }) lwaClientId?: string | null;
  @Field(() => String, { nullable: true }) lwaClientSecret?: string | null;
  @Field(() => String, { nullable: true }) lwaRefreshToken?: string | null;
  @Field(() => String, { nullable: true }) lwaTokenUrl?: string | null;
}

@InputType()
export class ShopifyConnectorInput {
  @Field(() => ID) locationId!: string;
  @Field(() => String, { nullable: true }) apiVersion?: string | null;
  @Field(() => String, { nullable: true }) defaultCountry?: string | null;
}

@InputType()
export class AmazonConnectorInput {
  @Field(() => ID) sellerId!: string;
  @Field(() => ID, { nullable: true }) marketplaceId?: string | null;
  @Field(() => String, { nullable: true }) productType?: string | null;
  @Field(() => String, { nullable: true }) fulfillmentChannelCode?: string | null;
}

@InputType()
export class PushRateLimitInput {
  @Field(() => Float, { nullable: true }) perSecond?: number | null;
  @Field(() => Int, { nullable: true }) burst?: number | null;
}

@InputType()
export class PushRetryPolicyInput {
  @Field(() => Int, { nullable: true }) baseMs?: number | null;
  @Field(() => Int, { nullable: true }) maxMs?: number | null;
  @Field(() => Int, { nullable: true }) maxAttempts?: number | null;
}

@InputType()
export class ChannelOutagePolicyInput {
  @Field(() => Int, { nullable: true }) limitMs?: number | null;
  @Field(() => OutageFallback, { nullable: true }) fallback?: keyof typeof OutageFallback | null;
  @Field(() => Int, { nullable: true }) bufferUnits?: number | null;
}

@InputType()
export class ChannelDriftPolicyInput {
  @Field(() => Int, { nullable: true }) threshold?: number | null;
  @Field(() => Boolean, { nullable: true }) correct?: boolean | null;
}

@InputType({ description: 'Omitted settings take the defaults of the kind; omitted secrets keep the ones stored.' })
export class ConfigureChannelConnectorInput {
  @Field(() => ID) channel!: string;
  @Field(() => ConnectorKind) kind!: keyof typeof ConnectorKind;
  @Field({ description: 'https://{shop}.myshopify.com, or https://sellingpartnerapi-na.amazon.com.' }) baseUrl!: string;
  @Field(() => Boolean, { nullable: true }) enabled?: boolean | null;
  @Field(() => ConnectorCredentialsInput, { nullable: true }) credentials?: ConnectorCredentialsInput | null;
  @Field(() => ShopifyConnectorInput, { nullable: true }) shopify?: ShopifyConnectorInput | null;
  @Field(() => AmazonConnectorInput, { nullable: true }) amazon?: AmazonConnectorInput | null;
  @Field(() => PushRateLimitInput, { nullable: true, description: 'AMAZON: requests per second and burst. SHOPIFY: cost points restored per second and bucket size.' }) rateLimit?: PushRateLimitInput | null;
  @Field(() => Int, { nullable: true }) batchSize?: number | null;
  @Field(() => Int, { nullable: true }) concurrency?: number | null;
  @Field(() => Int, { nullable: true }) timeoutMs?: number | null;
  @Field(() => PushRetryPolicyInput, { nullable: true }) retry?: PushRetryPolicyInput | null;
  @Field(() => ChannelOutagePolicyInput, { nullable: true }) outage?: ChannelOutagePolicyInput | null;
  @Field(() => ChannelDriftPolicyInput, { nullable: true }) drift?: ChannelDriftPolicyInput | null;
  @Field(() => Int, { nullable: true }) parkRetryMs?: number | null;
}

export { Sku, Channel };
