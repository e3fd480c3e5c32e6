/** Units of one SKU. */
export interface Line {
  sku: string;
  quantity: number;
}

/** An order line as a channel sends it: a SKU, or its own listing reference. */
export interface LineInput {
  sku?: string | null;
  listingExternalId?: string | null;
  quantity: number;
}

/** What orders knows of the catalog, from its own copies. */
export interface CatalogView {
  /** Known SKUs and their components; an empty list for a simple SKU. */
  components: ReadonlyMap<string, readonly Line[]>;
  /** The channel's listings by reference. */
  listings: ReadonlyMap<string, { sku: string; unitsPerListing: number }>;
}

export const MAX_LINES = 500;

/** Problems with the lines themselves, before anything is looked up. */
export function lineShapeProblems(lines: readonly LineInput[]): string[] {
  if (lines.length === 0) return ['an order needs at least one line'];
  if (lines.length > MAX_LINES) return [`at most ${MAX_LINES} lines, got ${lines.length}`];
  const problems: string[] = [];
  lines.forEach((line, index) => {
    if (Boolean(line.sku) === Boolean(line.listingExternalId)) problems.push(`line ${index + 1}: give exactly one of sku and listingExternalId`);
    if (!Number.isInteger(line.quantity) || line.quantity < 1) problems.push(`line ${index + 1}: quantity must be a whole number of at least 1, got ${line.quantity}`);
  });
  return problems;
}

export interface ResolvedLines {
  /** One line per SKU, in the order first mentioned; a listing line counts `quantity × unitsPerListing` units. */
  lines: Line[];
  unknownSkus: string[];
  unknownListings: string[];
}

/** Turns lines by SKU or by listing into SKU units, naming every reference that does not exist. */
export function resolveLines(lines: readonly LineInput[], catalog: CatalogView): ResolvedLines {
  const totals = new Map<string, number>();
  const unknownSkus = new Set<string>();
  const unknownListings = new Set<string>();
  for (const line of lines) {
    let sku: string;
    let quantity = line.quantity;
    if (line.listingExternalId) {
      const listing = catalog.listings.get(line.listingExternalId);
      if (!listing) { unknownListings.add(line.listingExternalId); continue; }
      sku = listing.sku;
      quantity *= listing.unitsPerListing;
    } else {
      sku = line.sku!;
    }
    if (!catalog.components.has(sku)) { unknownSkus.add(sku); continue; }
    totals.set(sku, (totals.get(sku) ?? 0) + quantity);
  }
  return { lines: [...totals].map(([sku, quantity]) => ({ sku, quantity })), unknownSkus: [...unknownSkus], unknownListings: [...unknownListings] };
}

/** The stock units lines consume: a bundle is its components times its quantity; totals per SKU. */
export function explode(lines: readonly Line[], componentsOf: (sku: string) => readonly Line[] | null | undefined): Line[] {
  const totals = new Map<string, number>();
  for (const line of lines) {
    const parts = componentsOf(line.sku);
    for (const part of parts && parts.length ? parts.map((c) => ({ sku: c.sku, quantity: c.quantity * line.quantity })) : [line]) {
      totals.set(part.sku, (totals.get(part.sku) ?? 0) + part.quantity);
    }
  }
  return [...totals].map(([sku, quantity]) => ({ sku, quantity }));
}
