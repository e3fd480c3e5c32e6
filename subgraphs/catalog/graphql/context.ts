import DataLoader from 'dataloader';
import type { Identity } from '../../../shared/auth';
import type { ComponentLine } from '../domain/composition';
import type { CatalogStore, Listing, Sku } from '../store/catalog-store';

export interface CatalogContext {
  identity: Identity | null;
  requestId: string;
  store: CatalogStore;
  skuLoader: DataLoader<string, Sku | null>;
  componentsLoader: DataLoader<string, ComponentLine[]>;
  listingsLoader: DataLoader<string, Listing[]>;
}

/** Per request, so batching never mixes callers and nothing is cached across requests. */
export function createCatalogContext(store: CatalogStore, identity: Identity | null, requestId: string): CatalogContext {
  return {
    identity,
    requestId,
    store,
    skuLoader: new DataLoader(async (codes) => {
      const found = new Map((await store.skus(codes)).map((sku) => [sku.code, sku]));
      return codes.map((code) => found.get(code) ?? null);
    }),
    componentsLoader: new DataLoader(async (codes) => {
      const found = await store.components(codes);
      return codes.map((code) => found.get(code) ?? []);
    }),
    listingsLoader: new DataLoader(async (codes) => {
      const listings = await store.listingsOfSkus(codes);
      return codes.map((code) => listings.filter((listing) => listing.sku === code));
    }),
  };
}
