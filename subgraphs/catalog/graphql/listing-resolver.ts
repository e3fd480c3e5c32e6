import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { assertChannel, canSeeChannel } from '../../../shared/auth';
import { badInput } from '../../../shared/errors';
import { parseListingCsv, type ImportRow } from '../domain/listing-import';
import type { Listing } from '../store/listing-store';
import type { CatalogContext } from './context';
import { ChannelListing, ImportListingsInput, ImportListingsResult, OrphanedListing, Sku, UpsertListingInput } from './types';

const MAX_IMPORT_ROWS = 100_000;
const toGraph = (listing: Listing): ChannelListing => ({ ...listing, channel: { code: listing.channel }, sku: { code: listing.sku } as Sku });

@Resolver(() => ChannelListing)
export class ListingResolver {
  @Authorized()
  @Query(() => ChannelListing, { nullable: true })
  async listing(
    @Arg('channel', () => ID) channel: string,
    @Arg('externalId', () => ID) externalId: string,
    @Ctx() ctx: CatalogContext,
  ): Promise<ChannelListing | null> {
    if (!canSeeChannel(ctx.identity, channel)) return null;
    const listing = await ctx.listings.get(channel, externalId);
    return listing && toGraph(listing);
  }

  @Authorized()
  @Query(() => [OrphanedListing], { description: 'Listings whose SKU is missing from the catalog or retired.' })
  async orphanedListings(
    @Ctx() ctx: CatalogContext,
    @Arg('channel', () => ID, { nullable: true }) channel?: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 500 }) first?: number | null,
  ): Promise<OrphanedListing[]> {
    if (channel) assertChannel(ctx.identity, channel);
    const limit = first ?? 500;
    if (!Number.isInteger(limit) || limit < 1 || limit > 5000) throw badInput(`first must be from 1 to 5000, got ${limit}`, { field: 'first' });
    const found = await ctx.listings.orphaned(channel ?? null, limit);
    return found.filter((listing) => canSeeChannel(ctx.identity, listing.channel)).map((listing) => ({ listing: toGraph(listing), problem: listing.problem }));
  }

  @Authorized('catalog:write')
  @Mutation(() => ChannelListing)
  async upsertListing(@Arg('input', () => UpsertListingInput) input: UpsertListingInput, @Ctx() ctx: CatalogContext): Promise<ChannelListing> {
    assertChannel(ctx.identity, input.channel);
    return toGraph(await ctx.listings.upsert({ ...input, unitsPerListing: input.unitsPerListing ?? 1 }));
  }

  @Authorized('catalog:write')
  @Mutation(() => ImportListingsResult, { description: 'Bulk mapping import: every row is validated; nothing is written unless all are valid (or `partial`).' })
  async importListings(@Arg('input', () => ImportListingsInput) input: ImportListingsInput, @Ctx() ctx: CatalogContext): Promise<ImportListingsResult> {
    if ((input.csv == null) === (input.rows == null)) throw badInput('give exactly one of csv or rows', { field: 'input' });
    const parsed = input.csv != null
      ? parseListingCsv(input.csv)
      : { rows: input.rows!.map((row, index): ImportRow => ({ line: index + 1, ...row, unitsPerListing: row.unitsPerListing })), problems: [] };
    if (parsed.rows.length > MAX_IMPORT_ROWS) throw badInput(`at most ${MAX_IMPORT_ROWS} rows per import`, { field: 'rows' });
    for (const row of parsed.rows) assertChannel(ctx.identity, row.channel);
    return ctx.listings.import(parsed.rows, Boolean(input.partial), parsed.problems);
  }

  @FieldResolver(() => Sku)
  async sku(@Root() listing: ChannelListing, @Ctx() ctx: CatalogContext): Promise<Sku> {
    return (await ctx.skuLoader.load(listing.sku.code)) ?? listing.sku;
  }
}
