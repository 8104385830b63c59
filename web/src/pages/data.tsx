import { type FormEvent, useState } from 'react';
import { AnyTable } from '../components/any-table.js';
import { ErrorBox, IssuesTable, Loading, Private, Section } from '../components/bits.js';
import { DataTable, type TableColumn } from '../components/data-table.js';
import { ApiError, api } from '../lib/api.js';
import type { Source } from '../lib/api-types.js';
import { useApi } from '../lib/hooks.js';
import type { PageProps } from './types.js';

const sourceColumns: TableColumn<Source>[] = [
  { key: 'id', label: 'Id', value: (r) => r.id },
  { key: 'publisher', label: 'Publisher', value: (r) => r.publisher },
  {
    key: 'title',
    label: 'Title',
    value: (r) => r.title,
    render: (r) =>
      r.url ? (
        <a href={r.url} target="_blank" rel="noreferrer">
          {r.title}
        </a>
      ) : (
        r.title
      ),
  },
  { key: 'year', label: 'Year', numeric: true, value: (r) => r.year },
  { key: 'licence', label: 'Licence', value: (r) => r.licence ?? '' },
  { key: 'records', label: 'Records', numeric: true, value: (r) => r.records ?? null },
];

export default function DataPage({ me }: PageProps) {
  const sources = useApi<Source[]>('/api/sources');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: unknown } | { error: Error } | null>(null);

  const upload = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const input = e.currentTarget.elements.namedItem('file') as HTMLInputElement;
    const files = [...(input.files ?? [])];
    if (files.length === 0) return;
    setBusy(true);
    setOutcome(null);
    try {
      const body = new FormData();
      for (const f of files) body.append('file', f, f.name);
      setOutcome({ ok: await api('/api/org/imports', { method: 'POST', body }) });
    } catch (err) {
      setOutcome({ error: err as Error });
    } finally {
      setBusy(false);
    }
  };
  const err = outcome && 'error' in outcome ? outcome.error : null;

  return (
    <>
      <h1>Data</h1>
      <Section title="Import your organisation's data" id="upload" actions={<Private org={me.org.name} />}>
        <p>
          A portfolio — products.csv, apis.csv, sites.csv and ksm.csv selected together, or one
          trustmap-portfolio/1 JSON document (products → APIs → supplier sites → KSM suppliers) — or
          interchange records. It is validated as a whole: one bad row and nothing is written. Your rows stay
          private to {me.org.name}.
        </p>
        <form className="filters" onSubmit={upload}>
          <label>
            File
            <input name="file" type="file" multiple accept=".csv,.json,text/csv,application/json" required />
          </label>
          <button type="submit" className="primary" disabled={busy || me.user.role === 'viewer'}>
            {busy ? 'Importing…' : 'Validate and import'}
          </button>
          {me.user.role === 'viewer' ? <span className="muted">viewers cannot import</span> : null}
        </form>
        {err ? (
          err instanceof ApiError && err.issues.length ? (
            <div className="error" role="alert">
              <strong>{err.message}</strong>
              <IssuesTable issues={err.issues} />
            </div>
          ) : (
            <ErrorBox error={err} what="Import failed" />
          )
        ) : null}
        {outcome && 'ok' in outcome ? (
          <div className="ok" aria-live="polite">
            <strong>Imported.</strong>
            <AnyTable rows={[outcome.ok]} caption="Import summary" csvName="import-summary" />
          </div>
        ) : null}
      </Section>
      <Section title="Public reference data: sources" id="sources">
        {sources.error ? <ErrorBox error={sources.error} /> : null}
        {sources.data ? (
          <DataTable
            caption="Every bundled source with its publisher, year and licence"
            columns={sourceColumns}
            rows={sources.data}
            rowKey={(r) => r.id}
            csvName="sources"
          />
        ) : (
          <Loading what="sources" />
        )}
      </Section>
    </>
  );
}
