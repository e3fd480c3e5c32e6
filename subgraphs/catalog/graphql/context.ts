import DataLoader from 'dataloader';
import { requestContexts, type LoadersOf } from '../../../shared/request-context';
import type { Identity } from '../../../shared/auth';
import type { ComponentLine } from '../domain/composition';
import type { Listing, ListingStore } from '../store/listing-store';
import type { Sku, SkuStore } from '../store/sku-store';

export interface CatalogServices {
  skus: SkuStore;
  listings: ListingStore;
}

export interface CatalogContext extends CatalogServices {
  identity: Identity | null;
  requestId: string;
  skuLoader: DataLoader<string, Sku | null>;
  componentsLoader: DataLoader<string, ComponentLine[]>;
  listingsLoader: DataLoader<string, Listing[]>;
}

/** Per request (see `requestContexts`): batching never mixes callers and nothing is cached across requests. */
export const catalogContexts = (services: CatalogServices) => requestContexts<CatalogServices, LoadersOf<CatalogContext, CatalogServices>>(services, {
  skuLoader: () => new DataLoader(async (codes) => {
    const found = new Map((await services.skus.skus(codes)).map((sku) => [sku.code, sku]));
    return codes.map((code) => found.get(code) ?? null);
  }),
  componentsLoader: () => new DataLoader(async (codes) => {
    const found = await services.skus.components(codes);
    return codes.map((code) => found.get(code) ?? []);
  }),
  listingsLoader: () => new DataLoader(async (codes) => {
    const listings = await services.listings.ofSkus(codes);
    return codes.map((code) => listings.filter((listing) => listing.sku === code));
  }),
});
