import type { EntityManager } from 'typeorm';
import { enqueue } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';
import type { ChannelOrder } from '../domain/channel-order';

export type SyncAlertKind = 'SYNC_FAILED' | 'DRIFT';

export interface SyncAlert {
  kind: SyncAlertKind;
  channel: string;
  /** null: about the whole channel. */
  sku: string | null;
  message: string;
  /** true: what the open alerts of this kind, channel and SKU warned about is over. */
  resolved: boolean;
  /** With `resolved`: only the open alerts whose message starts with this (a channel outage, not every channel-wide alert). */
  matching?: string;
}

/** Inventory keeps the alerts: it raises or resolves them from this event. */
export function publishAlert(em: EntityManager, alert: SyncAlert): Promise<void> {
  return enqueue(em, TOPICS.syncAlert, `alert:${alert.kind}:${alert.channel}:${alert.sku ?? ''}`, alert);
}

/** Inventory writes channel rules: it pauses (or lifts the pause of) a channel that cannot be kept in sync. */
export function publishPauseRequest(em: EntityManager, request: { channel: string; paused: boolean; reason: string }): Promise<void> {
  return enqueue(em, TOPICS.channelPauseRequested, `channel:${request.channel}`, request);
}

/** Orders imports or cancels the order; it is idempotent on (channel, externalId). */
export function publishChannelOrder(em: EntityManager, order: ChannelOrder): Promise<void> {
  return enqueue(em, TOPICS.channelOrderReceived, `order:${order.channel}:${order.externalId}`, order);
}
