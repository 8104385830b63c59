import { type Static, Type } from '@sinclair/typebox';

/**
 * A regulatory approval pathway file (pathways/*.json; docs/pathways.md). Each step either cites a
 * published timeline (`source`) or is marked `illustrative: true`; the service checks that rule.
 */
export const PathwayCitation = Type.Object(
  {
    publisher: Type.String({ minLength: 1 }),
    title: Type.String({ minLength: 1 }),
    year: Type.Integer({ minimum: 1900, maximum: 2200 }),
    url: Type.Optional(Type.String({ minLength: 1 })),
    /** the published figure as stated, e.g. "10 months" */
    figure: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type PathwayCitation = Static<typeof PathwayCitation>;

export const PathwayFileStep = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    days: Type.Number({ minimum: 0 }),
    after: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    authority: Type.Optional(Type.String()),
    source: Type.Optional(PathwayCitation),
    illustrative: Type.Optional(Type.Boolean()),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type PathwayFileStep = Static<typeof PathwayFileStep>;

export const PathwayFile = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' }),
    title: Type.String({ minLength: 1 }),
    /** the market the approvals are for (ISO3), e.g. USA, IND */
    market: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
    /** the pathway the file proposes; both are always computed */
    mode: Type.Union([Type.Literal('sequential'), Type.Literal('parallel')]),
    steps: Type.Array(PathwayFileStep, { minItems: 1 }),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false, $id: 'PathwayFile' },
);
export type PathwayFile = Static<typeof PathwayFile>;
