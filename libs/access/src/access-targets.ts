import { Injectable } from '@nestjs/common';

/**
 * Finds the region(s) of a resource named by id — the caller needs scope over every one — or null
 * when there is no such resource.
 */
export type TargetResolver = (id: string) => Promise<string | string[] | null>;

/** How many resources' regions a resolver of fixed regions keeps in memory (the least recently asked go first). */
export const FIXED_TARGETS_KEPT = 50_000;

/**
 * `resolve` remembering the regions it found, for resources whose region never changes once they
 * exist (the database refuses the change): the guard then reads a resource's region once per
 * process, not on every request. Absent resources (null) are asked again each time.
 */
export function rememberFixedRegions(resolve: TargetResolver, kept = FIXED_TARGETS_KEPT): TargetResolver {
  const regions = new Map<string, string | string[]>();
  return async (id) => {
    const held = regions.get(id);
    if (held !== undefined) {
      // Map keeps insertion order: re-inserting makes this the most recently asked.
      regions.delete(id);
      regions.set(id, held);
      return held;
    }
    const found = await resolve(id);
    if (found !== null) {
      regions.set(id, found);
      if (regions.size > kept) regions.delete(regions.keys().next().value as string);
    }
    return found;
  };
}

/**
 * Resolvers for `Allow(…, { resolve: 'name', param: 'id' })`: each context registers how to find
 * the region of the resources its routes name (e.g. 'user', 'assignment', later 'disclosure').
 */
@Injectable()
export class AccessTargets {
  private readonly resolvers = new Map<string, TargetResolver>();

  /** `fixed`: the resources' regions never change (the database refuses it), so they are kept in memory. */
  register(name: string, resolver: TargetResolver, options: { fixed?: boolean } = {}): void {
    if (this.resolvers.has(name)) throw new Error(`access target ${name} is registered twice`);
    this.resolvers.set(name, options.fixed ? rememberFixedRegions(resolver) : resolver);
  }

  resolver(name: string): TargetResolver {
    const resolver = this.resolvers.get(name);
    if (!resolver) throw new Error(`no access target resolver named ${name}`);
    return resolver;
  }
}
