/** One problem in one input: the file, row (1-based, header = row 1) and column or field at fault. */
export interface Issue {
  file?: string;
  row?: number;
  column?: string;
  message: string;
}

export function formatIssue(i: Issue): string {
  const where = [
    i.file,
    i.row !== undefined ? `row ${i.row}` : undefined,
    i.column ? `column ${i.column}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  return where ? `${where}: ${i.message}` : i.message;
}

/** Bad input. Carries every issue found (up to a cap), never a partial import. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  /** what the caller wants the user told about the state left behind (e.g. an import rolled back) */
  outcome?: string;
  constructor(
    readonly issues: Issue[],
    readonly truncated = false,
  ) {
    super(
      issues.length === 1
        ? formatIssue(issues[0]!)
        : `${issues.length}${truncated ? '+' : ''} problems:\n` +
            issues.map((i) => `  - ${formatIssue(i)}`).join('\n'),
    );
  }
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    readonly kind: string,
    readonly key: string,
    readonly suggestions: string[] = [],
  ) {
    super(
      `unknown ${kind}: ${key}` +
        (suggestions.length ? ` (did you mean ${suggestions.slice(0, 5).join(', ')}?)` : ''),
    );
  }
}

export class SolverError extends Error {
  override readonly name = 'SolverError';
}

/** Collects issues up to a cap, so an import reports all its errors without running out of memory. */
export class IssueCollector {
  readonly issues: Issue[] = [];
  truncated = false;
  constructor(readonly cap = 100) {}
  add(issue: Issue): void {
    if (this.issues.length < this.cap) this.issues.push(issue);
    else this.truncated = true;
  }
  get ok(): boolean {
    return this.issues.length === 0;
  }
  throwIfAny(): void {
    if (this.issues.length) throw new ValidationError(this.issues, this.truncated);
  }
}
