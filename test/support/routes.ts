import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ApplicationConfig, DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { RoutePathFactory } from '@nestjs/core/router/route-path-factory';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { POSTURE_KEY } from '@sunshine/core';

export interface RouteInfo {
  /** `GET`, `POST`, … */
  method: string;
  /** The path as served, with Nest's parameter syntax: `/api/v1/regions/:code`. */
  path: string;
  /** The declared access posture (handler over class), undefined when none is declared. */
  posture: unknown;
  /** `Controller.method`, to name the handler in a failure. */
  handler: string;
}

/** `GET /api/v1/regions/:code`: how the access matrix names a route. */
export const routeKey = (route: Pick<RouteInfo, 'method' | 'path'>): string => `${route.method} ${route.path}`;

/**
 * Every controller handler of the app with its served path and declared posture. Paths are built by
 * Nest's own RoutePathFactory from the app's ApplicationConfig, so the global prefix and its
 * exclusions (health, metrics) come out exactly as the router registers them.
 */
export function listRoutes(app: NestFastifyApplication): RouteInfo[] {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const reflector = new Reflector();
  const config = app.get(ApplicationConfig);
  const paths = new RoutePathFactory(config);
  const routes: RouteInfo[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
    if (!controller) continue;
    const ctrlPaths = pathsOf(Reflect.getMetadata(PATH_METADATA, controller));
    for (const name of scanner.getAllMethodNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (typeof handler !== 'function' || !Reflect.hasMetadata(PATH_METADATA, handler)) continue;
      const requestMethod = (Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod) ?? RequestMethod.GET;
      const posture = reflector.getAllAndOverride(POSTURE_KEY, [handler, controller]);
      for (const ctrlPath of ctrlPaths) {
        for (const methodPath of pathsOf(Reflect.getMetadata(PATH_METADATA, handler))) {
          for (const path of paths.create(
            { ctrlPath, methodPath, globalPrefix: config.getGlobalPrefix() },
            requestMethod,
          )) {
            routes.push({ method: RequestMethod[requestMethod], path, posture, handler: `${controller.name}.${name}` });
          }
        }
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/** A controller or method path: one, several, or none. */
function pathsOf(value: string | string[] | undefined): string[] {
  return value === undefined ? [''] : Array.isArray(value) ? value : [value];
}
