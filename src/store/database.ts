import type { Static } from '@sinclair/typebox';
import type { Generated } from 'kysely';
import type { EntityName, SCHEMAS } from '../model/index.js';

/** How a model field is stored: arrays as JSON text, booleans as 0/1, absent optionals as null. */
type Stored<T> = T extends readonly unknown[] ? string : T extends boolean ? number : T;
export type DbRow<T> = {
  [K in keyof T]-?: Stored<Exclude<T[K], undefined>> | (undefined extends T[K] ? null : never);
};

type EntityTables = {
  [K in EntityName]: DbRow<Static<(typeof SCHEMAS)[K]>> & {
    row_id: Generated<number>;
    org_id?: string | null;
  };
};

export interface Database extends EntityTables {
  meta: { key: string; value: string };
  import_log: {
    row_id: Generated<number>;
    format: string;
    path: string;
    sources: string;
    rows: number;
    started_at: string;
    finished_at: string;
    report: string;
  };
}
