import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { IS_PUBLIC_KEY, REQUIRED_SCOPES_KEY } from '@parley/auth';
import { ErrorBody } from '@parley/protocol';
import { z } from 'zod';
import { routeInputs, routeResponses } from '../input/zod-input.js';

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

type JsonSchema = Record<string, unknown>;

export interface OpenApiOperation {
  operationId: string;
  tags: string[];
  summary?: string;
  security: Array<Record<string, string[]>>;
  parameters: Array<{ name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema }>;
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
  'x-required-scopes'?: string[];
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: OpenApiInfo;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, JsonSchema> };
}

// Nest's RequestMethod enum, by number.
const HTTP_METHODS = ['get', 'post', 'put', 'delete', 'patch', 'all', 'options', 'head', 'search'] as const;

function toJsonSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
  delete (json as { $schema?: string }).$schema;
  return json as JsonSchema;
}

function joinPath(...parts: string[]): string {
  const joined = parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .map((segment) => (segment.startsWith(':') ? `{${segment.slice(1)}}` : segment))
    .join('/');
  return `/${joined}`;
}

function firstPath(value: unknown): string {
  if (Array.isArray(value)) return String(value[0] ?? '');
  return typeof value === 'string' ? value : '';
}

/**
 * The OpenAPI 3.1 document of a Nest app, built from what the routes declare: their paths and methods,
 * @Public()/@RequireScopes(), and the protocol schemas given to @ZodBody/@ZodQuery/@ZodParam/@ZodResponse.
 * The request shapes are the same schemas that validate requests, so the document cannot drift from them.
 */
export function buildOpenApiDocument(app: INestApplication, info: OpenApiInfo): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const modules = app.get(ModulesContainer);
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      const base = firstPath(Reflect.getMetadata(PATH_METADATA, controller));
      const tag = controller.name.replace(/Controller$/, '');
      const classPublic = Reflect.getMetadata(IS_PUBLIC_KEY, controller) === true;
      const classScopes =
        (Reflect.getMetadata(REQUIRED_SCOPES_KEY, controller) as string[] | undefined) ?? [];
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const methodIndex = Reflect.getMetadata(METHOD_METADATA, handler) as number | undefined;
        const routePath = Reflect.getMetadata(PATH_METADATA, handler) as unknown;
        if (methodIndex === undefined || routePath === undefined) continue;
        const method = HTTP_METHODS[methodIndex] ?? 'get';
        const path = joinPath(base, firstPath(routePath));
        const isPublic = classPublic || Reflect.getMetadata(IS_PUBLIC_KEY, handler) === true;
        const scopes = [
          ...classScopes,
          ...((Reflect.getMetadata(REQUIRED_SCOPES_KEY, handler) as string[] | undefined) ?? []),
        ];
        (paths[path] ??= {})[method] = describeOperation(proto, name, path, tag, isPublic, scopes);
      }
    }
  }
  return {
    openapi: '3.1.0',
    info,
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
      schemas: { ErrorBody: toJsonSchema(ErrorBody) },
    },
  };
}

function describeOperation(
  proto: object,
  name: string,
  path: string,
  tag: string,
  isPublic: boolean,
  scopes: string[],
): OpenApiOperation {
  const inputs = routeInputs(proto, name);
  const parameters: OpenApiOperation['parameters'] = [];
  const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const paramSchema = inputs.find((i) => i.place === 'params');
  const paramProps = propertiesOf(paramSchema ? toJsonSchema(paramSchema.schema) : {});
  for (const p of pathParams)
    parameters.push({
      name: p,
      in: 'path',
      required: true,
      schema: paramProps.properties[p] ?? { type: 'string' },
    });
  const query = inputs.find((i) => i.place === 'query');
  if (query) {
    const { properties, required } = propertiesOf(toJsonSchema(query.schema));
    for (const [key, schema] of Object.entries(properties))
      parameters.push({ name: key, in: 'query', required: required.includes(key), schema });
  }
  const body = inputs.find((i) => i.place === 'body');
  const declared = routeResponses(proto, name);
  const responses: OpenApiOperation['responses'] = {};
  for (const r of declared) {
    responses[String(r.status)] = {
      description: r.description || (r.status < 300 ? 'OK' : 'Error'),
      ...(r.schema ? { content: { 'application/json': { schema: toJsonSchema(r.schema) } } } : {}),
    };
  }
  if (declared.length === 0) responses['200'] = { description: 'OK' };
  const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } };
  if (body || query || paramSchema)
    responses['400'] ??= {
      description: 'Invalid input; `issues` names each bad field',
      content: errorContent,
    };
  if (!isPublic) {
    responses['401'] ??= { description: 'Missing, invalid or expired access token', content: errorContent };
    if (scopes.length > 0)
      responses['403'] ??= { description: 'A required scope is missing', content: errorContent };
  }
  return {
    operationId: `${tag}.${name}`,
    tags: [tag],
    security: isPublic ? [] : [{ bearer: scopes }],
    parameters,
    ...(body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: toJsonSchema(body.schema) } },
          },
        }
      : {}),
    responses,
    ...(scopes.length > 0 ? { 'x-required-scopes': scopes } : {}),
  };
}

function propertiesOf(schema: JsonSchema): { properties: Record<string, JsonSchema>; required: string[] } {
  return {
    properties: (schema.properties as Record<string, JsonSchema> | undefined) ?? {},
    required: (schema.required as string[] | undefined) ?? [],
  };
}
