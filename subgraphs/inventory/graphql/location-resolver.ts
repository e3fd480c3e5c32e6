import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { notFound } from '../../../shared/errors';
import type { InventoryContext } from './context';
import { Location, LocationKind } from './types';

/**
 * A Location reached by code (from stock, alerts or another subgraph) loads its details here. A
 * code inventory does not know has no details to give: NOT_FOUND, never made-up ones.
 */
@Resolver(() => Location)
export class LocationResolver {
  private async full(location: Location, ctx: InventoryContext): Promise<Location> {
    if (location.name !== undefined) return location;
    const found = (await ctx.locationLoader.load(location.code)) as Location | null;
    if (!found) throw notFound(`No location "${location.code}"`, { location: location.code });
    return found;
  }

  @FieldResolver(() => String)
  async name(@Root() location: Location, @Ctx() ctx: InventoryContext) {
    return (await this.full(location, ctx)).name;
  }

  @FieldResolver(() => LocationKind)
  async kind(@Root() location: Location, @Ctx() ctx: InventoryContext) {
    return (await this.full(location, ctx)).kind;
  }

  @FieldResolver(() => String)
  async country(@Root() location: Location, @Ctx() ctx: InventoryContext) {
    return (await this.full(location, ctx)).country;
  }

  @FieldResolver(() => String, { nullable: true })
  async postalCode(@Root() location: Location, @Ctx() ctx: InventoryContext) {
    return (await this.full(location, ctx)).postalCode ?? null;
  }
}
