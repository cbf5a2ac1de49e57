import 'reflect-metadata';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { AuthenticationError, type Principal } from '@parley/auth';
import type { Request } from 'express';
import type { z } from 'zod';
import { ForbiddenError } from '../errors/domain-errors.js';
import { parseInput, type InputPlace } from '../errors/parse-input.js';

export const ROUTE_INPUT_KEY = 'parley.service-kit:routeInput';
export const ROUTE_RESPONSES_KEY = 'parley.service-kit:routeResponses';

export interface RouteInput {
  place: 'body' | 'query' | 'params';
  schema: z.ZodType;
}

export interface RouteResponse {
  status: number;
  schema?: z.ZodType;
  description: string;
}

const parseFrom = createParamDecorator((input: RouteInput, context: ExecutionContext): unknown => {
  const req = context.switchToHttp().getRequest<Request>();
  const place: InputPlace = input.place;
  // No body at all reads as an empty object: the schema then names the fields that are required.
  return parseInput(input.schema, req[input.place] ?? {}, place);
});

/** Reads the handler's declared inputs (for the OpenAPI document). */
export function routeInputs(target: object, method: string | symbol): RouteInput[] {
  return (Reflect.getMetadata(ROUTE_INPUT_KEY, target, method) as RouteInput[] | undefined) ?? [];
}

export function routeResponses(target: object, method: string | symbol): RouteResponse[] {
  return (Reflect.getMetadata(ROUTE_RESPONSES_KEY, target, method) as RouteResponse[] | undefined) ?? [];
}

function zodParam(place: RouteInput['place'], schema: z.ZodType): ParameterDecorator {
  const decorate = parseFrom({ place, schema });
  return (target, method, index) => {
    if (method !== undefined) {
      const inputs = [...routeInputs(target, method), { place, schema }];
      Reflect.defineMetadata(ROUTE_INPUT_KEY, inputs, target, method);
    }
    decorate(target, method, index);
  };
}

/**
 * The request body, parsed with its protocol schema: a bad body is a 400 naming every bad field before the
 * handler runs. The schema also describes the route in the OpenAPI document.
 */
export const ZodBody = (schema: z.ZodType): ParameterDecorator => zodParam('body', schema);
/** The query string, parsed (and coerced) with its protocol schema. */
export const ZodQuery = (schema: z.ZodType): ParameterDecorator => zodParam('query', schema);
/** The route parameters, parsed with their protocol schema (ids are UUIDs, so a bad id is a 400, not a 500). */
export const ZodParam = (schema: z.ZodType): ParameterDecorator => zodParam('params', schema);

/** Documents a response of the route in the OpenAPI document. */
export function ZodResponse(
  status: number,
  schema: z.ZodType | undefined,
  description = '',
): MethodDecorator {
  return (target, method) => {
    const responses = [...routeResponses(target, method), { status, schema, description }];
    Reflect.defineMetadata(ROUTE_RESPONSES_KEY, responses, target, method);
  };
}

/**
 * The id of the user calling the route. Conversation routes act on behalf of a person: a machine client's
 * token is refused with 403, so handlers never see one.
 */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const principal = context.switchToHttp().getRequest<{ principal?: Principal }>().principal;
  if (!principal) throw new AuthenticationError('missing_token');
  if (principal.kind !== 'user') throw new ForbiddenError('this route needs a user access token');
  return principal.subject;
});
