import { v7 } from 'uuid';

/**
 * A new row id: a UUID whose first 48 bits are the time in milliseconds (RFC 9562 version 7), so
 * rows created one after another sit side by side in every index keyed by their id. Random
 * (version 4) ids scatter each insert over the whole B-tree: in InnoDB, whose rows live in their
 * primary key's order, and in SQLite, where a commit writes every page it touched.
 */
export const newId = (): string => v7();
