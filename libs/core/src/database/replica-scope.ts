import { AsyncLocalStorage } from 'node:async_hooks';

/** Where a request's replica-tolerant reads go; shared by every opted-in call of one request. */
export interface ReadRoute {
  /** The client wrote a moment ago (read-your-writes): everything on the primary. */
  sticky: boolean;
  /**
   * The replica chosen at the request's first read, kept for the rest of it so that its statements
   * (an ETag's version, then the body) see one server; `'primary'` once a replica has failed it:
   * a request never goes back from the primary to a replica, which could be older.
   */
  pinned?: string | 'primary';
}

/** The request's route, entered by the HTTP layer for each request when replicas are configured. */
const requestRoute = new AsyncLocalStorage<ReadRoute>();
/** Present while an opted-in call (`@ReplicaReads()`) runs. */
const replicaScope = new AsyncLocalStorage<ReadRoute>();

let routing = false;

/** Turned on by ReadReplicas when DATABASE_REPLICA_URLS is set; off, `@ReplicaReads()` costs nothing. */
export function setReplicaRouting(on: boolean): void {
  routing = on;
}

/** Runs `next` (the rest of a request) with its route; see enableReadYourWrites. */
export function runWithReadRoute(route: ReadRoute, next: () => void): void {
  requestRoute.run(route, next);
}

/** The route of the opted-in call running now, if any. */
export function currentReadRoute(): ReadRoute | undefined {
  return replicaScope.getStore();
}

/** Runs `work` as a replica-tolerant read (see ReplicaReads). */
export function replicaReads<T>(work: () => T): T {
  if (!routing) return work();
  return replicaScope.run(requestRoute.getStore() ?? { sticky: false }, work);
}

/**
 * Declares reads that may be served by a streaming replica (public browse paths, dashboards): the
 * statements the method runs through `Db` outside a transaction, and its read transactions, go to
 * a replica that is up and within REPLICA_MAX_LAG_MS, unless the client wrote within
 * REPLICA_STICKY_MS. Everything not declared stays on the primary. On a method or a class (every
 * method). A replica that fails a statement is left and the statement retried on the primary.
 */
export function ReplicaReads(): MethodDecorator & ClassDecorator {
  return ((target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (descriptor) {
      wrap(descriptor);
      return descriptor;
    }
    const proto = (target as { prototype: object }).prototype;
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor') continue;
      const d = Object.getOwnPropertyDescriptor(proto, name);
      if (d && typeof d.value === 'function') {
        wrap(d);
        Object.defineProperty(proto, name, d);
      }
    }
    return undefined;
  }) as MethodDecorator & ClassDecorator;
}

function wrap(descriptor: PropertyDescriptor): void {
  const original = descriptor.value as (...args: unknown[]) => unknown;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    return replicaReads(() => original.apply(this, args));
  };
  // Route, OpenAPI and guard metadata of decorators applied before this one live on the function.
  for (const key of Reflect.getMetadataKeys(original)) {
    Reflect.defineMetadata(key, Reflect.getMetadata(key, original), wrapped);
  }
  Object.defineProperty(wrapped, 'name', { value: original.name });
  descriptor.value = wrapped;
}
