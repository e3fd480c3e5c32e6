import type { Identity } from './auth';

/** What every request context carries besides its subgraph's services and loaders. */
export interface RequestIdentity {
  identity: Identity | null;
  requestId: string;
}

/**
 * Makes a subgraph's per-request contexts: its services, the caller, and its DataLoaders, each
 * made when a resolver first asks for it and kept for the rest of that request only, so batching
 * never mixes callers and nothing is cached across requests. Most requests use one loader or
 * none (a `reserve` uses none), and a DataLoader costs about 2 µs to make: making every loader
 * for every subgraph fetch cost inventory 7 to 10 µs a request. The services sit on a prototype
 * made once; a context is that prototype plus the caller.
 */
export function requestContexts<Services extends object, Loaders extends object>(
  services: Services,
  loaders: { [Name in keyof Loaders]: (services: Services) => Loaders[Name] },
): (identity: Identity | null, requestId: string) => Services & RequestIdentity & Loaders {
  const prototype: object = { ...services };
  for (const name of Object.keys(loaders) as (keyof Loaders & string)[]) {
    Object.defineProperty(prototype, name, {
      get(this: object) {
        const loader = loaders[name](services);
        Object.defineProperty(this, name, { value: loader, enumerable: true });
        return loader;
      },
    });
  }
  return (identity, requestId) => {
    const context = Object.create(prototype);
    context.identity = identity;
    context.requestId = requestId;
    return context;
  };
}

/** The loaders of a context type: what it has besides its services and the caller. */
export type LoadersOf<Context, Services> = Omit<Context, keyof Services | keyof RequestIdentity>;
