import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import type { FastifySchemaCompiler } from 'fastify';
import { SchemaError } from './errors.js';

/**
 * Request validation with TypeBox's compiled checks, the same library that validates import rows
 * and scenarios (one schema, many uses). Strict: no coercion of JSON bodies (a string where a
 * number belongs is an error), unknown fields are errors (route schemas set
 * `additionalProperties: false`); query strings and path parameters are converted from text
 * first ("25" → 25), since they cannot carry types. Defaults in the schema are filled in.
 * The first error names its field as a JSON pointer under the part: `/query/limit`,
 * `/body/params/runs`.
 */
const PART: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'params',
  headers: 'headers',
};

export const typeboxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = TypeCompiler.Compile(schema);
  const part = PART[httpPart ?? 'body'] ?? 'body';
  const convert = httpPart !== 'body';
  return (data: unknown) => {
    let value = convert ? Value.Convert(schema, { ...(data as object) }) : data;
    value = Value.Default(schema, value);
    if (check.Check(value)) return { value };
    const first = check.Errors(value).First();
    const path = first?.path ?? '';
    const message =
      first?.message === 'Unexpected property'
        ? 'unknown field'
        : `${first?.message ?? 'invalid'}${first && first.value !== undefined ? `, got ${preview(first.value)}` : ''}`;
    return { error: new SchemaError(`/${part}${path}`, message) };
  };
};

function preview(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
