import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { assertChannel, canSeeChannel } from '../../../shared/auth';
import { DomainError, notFound } from '../../../shared/errors';
import { reservations } from '../../../shared/metrics';
import type { Reservation as StoredReservation } from '../store/reservation-store';
import type { InventoryContext } from './context';
import { Channel, Reservation, ReserveInput } from './types';

function toGraph(reservation: StoredReservation): Reservation {
  return {
    id: reservation.id,
    channel: { code: reservation.channel } as Channel,
    status: reservation.status,
    expiresAt: reservation.expiresAt,
    lines: reservation.lines.map((line) => ({ sku: { code: line.sku }, quantity: line.quantity })),
  };
}

@Resolver(() => Reservation)
export class ReservationResolver {
  @Authorized('reservations:write')
  @Query(() => Reservation, { nullable: true })
  async reservation(@Arg('id', () => ID) id: string, @Ctx() ctx: InventoryContext): Promise<Reservation | null> {
    const found = await ctx.reservations.get(id);
    return found && canSeeChannel(ctx.identity, found.channel) ? toGraph(found) : null;
  }

  @Authorized('reservations:write')
  @Mutation(() => Reservation)
  async reserve(@Arg('input', () => ReserveInput) input: ReserveInput, @Ctx() ctx: InventoryContext): Promise<Reservation> {
    assertChannel(ctx.identity, input.channel);
    try {
      const reservation = toGraph(await ctx.reservations.reserve(input));
      reservations.inc({ outcome: 'made' });
      return reservation;
    } catch (error) {
      if (error instanceof DomainError && error.extensions.code === 'INSUFFICIENT_STOCK') reservations.inc({ outcome: 'refused' });
      throw error;
    }
  }

  @Authorized('reservations:write')
  @Mutation(() => Reservation)
  async releaseReservation(@Arg('id', () => ID) id: string, @Ctx() ctx: InventoryContext): Promise<Reservation> {
    const found = await ctx.reservations.get(id);
    if (!found || !canSeeChannel(ctx.identity, found.channel)) throw notFound(`No reservation ${id}`, { id });
    return toGraph(await ctx.reservations.release(id));
  }
}
