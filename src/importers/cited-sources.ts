import type { Source } from '../model/index.js';
import { slugify } from './slug.js';

/** What a hand-compiled table says about the page a row cites. */
export interface Citation {
  url: string;
  title: string;
  /** publication date as written (`2017-12-19`, `2022-04`), if the table records one */
  date?: string;
  /** the data file (relative to `data/`) that cites the page */
  file: string;
}

export interface CitedSourcesOptions {
  /** prefix of every id, so two importers citing the same page never share (and replace) a source */
  prefix: string;
  licence: string;
  /** year used when neither the date, the title nor the address gives one (the compilation year) */
  fallbackYear: number;
  /** appended to every source's note (e.g. how the figures were transcribed) */
  note?: string;
  /**
   * whether a year written in the title is the publication year. True for citation-style titles
   * ("… (Green Chem. 2001)"); false where titles name the data's year ("… in FY 2021-22").
   */
  yearFromTitle?: boolean;
}

const YEAR_IN_TEXT = /(?<![\d.])(19\d{2}|20\d{2})(?![\d])/g;
const YEAR_IN_PATH = /\/((?:19|20)\d{2})\/(?:0[1-9]|1[0-2])\//;

/** The host of a URL without `www.` / `amp.`; undefined if the text is not an http(s) URL. */
export function hostOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    return u.hostname.replace(/^(www\.|amp\.|m\.)/, '').replace(/\.$/, '');
  } catch {
    return undefined;
  }
}

/** The last plausible year written in a title ("… (Green Chem. 2001)", "… 15 Dec 2025)"), if any. */
export function yearInTitle(title: string, max: number): number | undefined {
  let found: number | undefined;
  for (const m of title.matchAll(YEAR_IN_TEXT)) {
    const y = Number(m[1]);
    if (y <= max) found = y;
  }
  return found;
}

/** Shortens a slug to at most `max` characters at a word boundary. */
function shorten(slug: string, max: number): string {
  if (slug.length <= max) return slug;
  const cut = slug.slice(0, max);
  const at = cut.lastIndexOf('-');
  return (at > max / 2 ? cut.slice(0, at) : cut).replace(/-+$/, '');
}

/**
 * One Source per distinct cited address, with a stable id (`<prefix>-<host>-<title words>`), the
 * host as publisher and the year from the publication date, else the title, else a dated path,
 * else the compilation year (said so in the note). Ids are deterministic for a given file order.
 */
export class CitedSources {
  private readonly byUrl = new Map<string, Source & { files: Set<string> }>();
  private readonly ids = new Set<string>();

  constructor(private readonly opts: CitedSourcesOptions) {}

  /** The source of a cited page; undefined if the address is not an http(s) URL. */
  get(c: Citation): Source | undefined {
    const url = c.url.trim();
    const known = this.byUrl.get(url);
    if (known) {
      known.files.add(c.file);
      known.file = [...known.files].join('; ');
      return known;
    }
    const host = hostOf(url);
    if (!host) return undefined;
    const title = c.title.trim() || url;
    let id = shorten(`${this.opts.prefix}-${slugify(host)}-${shorten(slugify(title), 48)}`, 120);
    if (this.ids.has(id)) {
      let n = 2;
      while (this.ids.has(`${id}-${n}`)) n++;
      id = `${id}-${n}`;
    }
    this.ids.add(id);
    const max = this.opts.fallbackYear;
    const dated = /^((?:19|20)\d{2})/.exec(c.date?.trim() ?? '');
    const fromPath = YEAR_IN_PATH.exec(url);
    let year: number;
    let how: string;
    if (dated) {
      year = Number(dated[1]);
      how = `published ${c.date!.trim()}`;
    } else if (this.opts.yearFromTitle && yearInTitle(title, max) !== undefined) {
      year = yearInTitle(title, max)!;
      how = 'year from the title';
    } else if (fromPath && Number(fromPath[1]) <= max) {
      year = Number(fromPath[1]);
      how = 'year from the address';
    } else {
      year = max;
      how = `publication year not recorded; ${max} is the year the figures were compiled`;
    }
    const s = {
      id,
      publisher: host,
      title,
      year,
      url,
      file: c.file,
      licence: this.opts.licence,
      note: [how, this.opts.note].filter(Boolean).join('. '),
      files: new Set([c.file]),
    };
    this.byUrl.set(url, s);
    return s;
  }

  /** Every source created so far, in first-cited order. */
  all(): Source[] {
    return [...this.byUrl.values()].map(({ files: _files, ...s }) => s);
  }
}
