import { BeforeApplicationShutdown, Injectable, OnModuleInit, Optional } from '@nestjs/common';

import { DatabaseServer } from '../database/database-server';
import { ReferenceCache, ReferenceSource } from './reference-cache';
import { PgReferenceNotifier, ReferenceChangeListener, ReferenceNotifier } from './reference-notifier';

const NO_FEED: ReferenceNotifier = { start: () => undefined, sync: async () => undefined, stop: async () => undefined };

/**
 * What a context keeps per key (not reference data) and drops on a change announced as
 * `prefix:key`; it may keep anything only between `connected` and `lost`, while no announcement
 * can be missed.
 */
export interface KeyedChanges {
  changed(key: string): void;
  connected(): void;
  lost(): void;
}

/**
 * The process's reference data caches and the change feed that invalidates them: a change
 * announced under a cache's name (by a trigger, an import in another process, an administrator's
 * edit) makes every process read that data again at its next use; after the feed reconnects each
 * cache compares its version with the stored one. Contexts register their caches at construction.
 * A change announced as `prefix:key` goes to the subscriber of that prefix instead (`subscribe`).
 */
@Injectable()
export class ReferenceData implements OnModuleInit, BeforeApplicationShutdown, ReferenceChangeListener {
  private readonly caches = new Map<string, ReferenceCache<unknown>>();
  private readonly subscribers = new Map<string, KeyedChanges>();
  private readonly notifier: ReferenceNotifier;

  /** Without a database server (a short-lived script's context): no change feed, data read once per run. */
  constructor(@Optional() server?: DatabaseServer) {
    this.notifier = server ? new PgReferenceNotifier(server.url) : NO_FEED;
  }

  /** A cache of `name` (the name its changes are announced under). */
  register<T>(name: string, source: ReferenceSource<T>): ReferenceCache<T> {
    if (this.caches.has(name)) throw new Error(`reference data ${name} is registered twice`);
    const cache = new ReferenceCache(name, source);
    this.caches.set(name, cache as ReferenceCache<unknown>);
    return cache;
  }

  /** Hands `subscriber` the changes announced as `prefix:key`, and the feed's comings and goings. */
  subscribe(prefix: string, subscriber: KeyedChanges): void {
    if (this.subscribers.has(prefix)) throw new Error(`keyed changes ${prefix} are subscribed twice`);
    this.subscribers.set(prefix, subscriber);
  }

  onModuleInit(): void {
    this.notifier.start(this);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.notifier.stop();
  }

  changed(name: string): void {
    const colon = name.indexOf(':');
    const subscriber = colon > 0 ? this.subscribers.get(name.slice(0, colon)) : undefined;
    if (subscriber) subscriber.changed(name.slice(colon + 1));
    else this.caches.get(name)?.invalidate();
  }

  lost(): void {
    for (const subscriber of this.subscribers.values()) subscriber.lost();
  }

  async resync(): Promise<void> {
    for (const subscriber of this.subscribers.values()) subscriber.connected();
    await Promise.all([...this.caches.values()].map((cache) => cache.resync().catch(() => cache.invalidate())));
  }

  /** Resolves once every change committed before the call has reached the caches (for tests). */
  sync(): Promise<void> {
    return this.notifier.sync();
  }
}
