import { Injectable } from '@nestjs/common';

/**
 * Finds the region(s) of a resource named by id — the caller needs scope over every one — or null
 * when there is no such resource.
 */
export type TargetResolver = (id: string) => Promise<string | string[] | null>;

/**
 * Resolvers for `Allow(…, { resolve: 'name', param: 'id' })`: each context registers how to find
 * the region of the resources its routes name (e.g. 'user', 'assignment', later 'disclosure').
 */
@Injectable()
export class AccessTargets {
  private readonly resolvers = new Map<string, TargetResolver>();

  register(name: string, resolver: TargetResolver): void {
    if (this.resolvers.has(name)) throw new Error(`access target ${name} is registered twice`);
    this.resolvers.set(name, resolver);
  }

  resolver(name: string): TargetResolver {
    const resolver = this.resolvers.get(name);
    if (!resolver) throw new Error(`no access target resolver named ${name}`);
    return resolver;
  }
}
