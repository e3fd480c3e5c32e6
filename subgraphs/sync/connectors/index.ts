import type { ConnectorSettings } from '../domain/connector-settings';
import { AmazonConnector } from './amazon';
import type { ChannelConnector } from './connector';
import { ShopifyConnector } from './shopify';

/** The adapter that speaks the configured channel's API. */
export function createConnector(settings: ConnectorSettings): ChannelConnector {
  return settings.kind === 'SHOPIFY' ? new ShopifyConnector(settings) : new AmazonConnector(settings);
}
