import type { ReactNode } from 'react';
import { ApiError } from '../lib/api.js';
import type { Issue, Source } from '../lib/api-types.js';
import { type Figure, showFigure } from '../lib/format.js';

/** A figure, or "unavailable" with the reason shown on hover and keyboard focus. */
export function Fig({ v, fmt }: { v: Figure; fmt: (n: number) => string }) {
  const s = showFigure(v, fmt);
  if (s.reason === null) return <>{s.text}</>;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: focusable so keyboard users can read the reason
    <span className="unavailable" tabIndex={0}>
      {s.text}
      <span className="reason" role="tooltip">
        {s.reason}
      </span>
    </span>
  );
}

export function Illustrative({ title }: { title?: string }) {
  return (
    <span className="badge illustrative" title={title ?? 'no public figure exists: an illustrative value'}>
      illustrative
    </span>
  );
}

export function Private({ org }: { org: string }) {
  return <span className="badge private">private to {org}</span>;
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function ErrorBox({ error, what }: { error: Error; what?: string }) {
  const e = error instanceof ApiError ? error : null;
  return (
    <div className="error" role="alert">
      <strong>{what ? `${what}: ` : ''}</strong>
      {e?.status === 404 && /^no route/.test(e.message) ? 'not available on this server' : error.message}
      {e?.code ? <span className="code"> ({e.code})</span> : null}
      {e?.issues.length ? <IssuesTable issues={e.issues} /> : null}
    </div>
  );
}

/** Validation issues, one row each, with the file, row, column and field at fault. */
export function IssuesTable({ issues }: { issues: Issue[] }) {
  return (
    <table className="issues">
      <caption>{issues.length} problem(s), nothing was imported</caption>
      <thead>
        <tr>
          <th scope="col">file</th>
          <th scope="col">row</th>
          <th scope="col">column</th>
          <th scope="col">field</th>
          <th scope="col">message</th>
        </tr>
      </thead>
      <tbody>
        {issues.map((i, k) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: issues have no identity of their own
          <tr key={k}>
            <td>{i.file ?? ''}</td>
            <td className="num">{i.row ?? ''}</td>
            <td>{i.column ?? ''}</td>
            <td>{i.field ?? ''}</td>
            <td>{i.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Sources({ ids, sources }: { ids: string[]; sources?: Source[] }) {
  if (!ids.length && !sources?.length) return null;
  const list = sources?.length ? sources : ids.map((id) => ({ id }) as Partial<Source> & { id: string });
  return (
    <details className="sources">
      <summary>Sources ({list.length})</summary>
      <ul>
        {list.map((s) => (
          <li key={s.id}>
            <code>{s.id}</code>
            {s.publisher ? ` — ${s.publisher}` : ''}
            {s.title ? `, ${s.title}` : ''}
            {s.year ? ` (${s.year})` : ''}
            {s.url ? (
              <>
                {' '}
                <a href={s.url} rel="noreferrer" target="_blank">
                  link
                </a>
              </>
            ) : null}
            {s.licence ? <span className="muted"> · {s.licence}</span> : null}
          </li>
        ))}
      </ul>
    </details>
  );
}

export function Assumptions({ list, open = false }: { list: string[]; open?: boolean }) {
  if (!list.length) return null;
  return (
    <details className="assumptions" open={open}>
      <summary>Assumptions ({list.length})</summary>
      <ul>
        {list.map((a) => (
          <li key={a}>
            {a.includes('illustrative') ? <Illustrative /> : null} {a}
          </li>
        ))}
      </ul>
    </details>
  );
}

export function Section({
  title,
  id,
  children,
  actions,
}: {
  title: string;
  id: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <header className="card-head">
        <h2 id={`${id}-h`}>{title}</h2>
        {actions ? <div className="actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}
