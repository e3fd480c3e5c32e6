import { dayOf, isoDay } from './shipping-calendar';

/** What the channel promised the buyer, as the order arrived. */
export interface ShippingPromise {
  shipBy: Date | null;
  deliverBy: Date | null;
  /** Express: ships the day it was placed. */
  express: boolean;
}

/** The promise as days: ship no later than `shipByDay`, arrive no later than `deliverByDay`. */
export interface PromiseWindow {
  shipByDay: number | null;
  deliverByDay: number | null;
}

export function promiseWindow(promise: ShippingPromise, placedAt: Date): PromiseWindow {
  let shipByDay = promise.shipBy ? dayOf(promise.shipBy) : null;
  if (promise.express) shipByDay = Math.min(shipByDay ?? Number.POSITIVE_INFINITY, dayOf(placedAt));
  return { shipByDay, deliverByDay: promise.deliverBy ? dayOf(promise.deliverBy) : null };
}

export const hasPromise = (window: PromiseWindow): boolean => window.shipByDay !== null || window.deliverByDay !== null;

/** Why a ship day and transit break the promise, or null when they keep it. */
export function promiseBreach(window: PromiseWindow, shipDay: number, transitDays: number): string | null {
  if (window.shipByDay !== null && shipDay > window.shipByDay) return `ships ${isoDay(shipDay)}, after the promised ${isoDay(window.shipByDay)}`;
  if (window.deliverByDay !== null && shipDay + transitDays > window.deliverByDay) {
    return `delivers ${isoDay(shipDay + transitDays)}, after the promised ${isoDay(window.deliverByDay)}`;
  }
  return null;
}

export function describePromise(window: PromiseWindow): string {
  const parts: string[] = [];
  if (window.shipByDay !== null) parts.push(`ship by ${isoDay(window.shipByDay)}`);
  if (window.deliverByDay !== null) parts.push(`deliver by ${isoDay(window.deliverByDay)}`);
  return parts.join(' and ') || 'no promise';
}
