import { describe, expect, it } from 'vitest';
import { validationError } from '../../test/helpers/validation-error.js';
import { PORTFOLIO_FORMAT } from '../model/org-portfolio.js';
import { parsePortfolioDocument, parsePortfolioFiles, readPortfolio } from './org-portfolio.js';

const FIXTURE = 'test/fixtures/org-portfolio';
const files = (over: Record<string, string>) => {
  const base: Record<string, string> = {
    'products.csv': 'id,name,ndc\np1,Product 1,0409-4888-02;0409-4888\n',
    'apis.csv': 'product_id,api\np1,amoxicillin\n',
    'sites.csv': 'api,site_id,name,country,share\namoxicillin,s1,Site 1,IND,0.5\n',
  };
  return Object.entries({ ...base, ...over }).map(([name, text]) => ({ name, text }));
};

describe('organisation portfolio reader', () => {
  it('reads the fixture folder: percentages as fractions, NDC lists, blank cells as null', () => {
    const b = readPortfolio(FIXTURE);
    expect(Object.fromEntries(Object.entries(b.parts).map(([k, v]) => [k, v.length]))).toEqual({
      products: 3,
      apis: 4,
      sites: 3,
      ksm: 4,
    });
    expect(b.parts.sites[0]!.row).toMatchObject({
      site_id: 'site-in-1',
      share: 0.6,
      fei: '1234567',
      duns: null,
    });
    expect(b.parts.products[0]!.row.ndc).toEqual(['00000-000-01']);
    expect(b.parts.products[1]!.row).toMatchObject({ ndc: [], stock_days: null });
  });

  it('names the file, row and column of every bad cell', async () => {
    const e = await validationError(() =>
      parsePortfolioFiles(
        files({
          'sites.csv': 'api,site_id,name,country,share,fei\namoxicillin,s1,Site 1,India,abc,12\n',
        }),
      ),
    );
    expect(e.issues).toEqual([
      { file: 'sites.csv', row: 2, column: 'share', message: 'not a number: "abc"' },
      {
        file: 'sites.csv',
        row: 2,
        column: 'country',
        message: 'not a valid ISO 3166-1 alpha-3 country code (got "India")',
      },
      {
        file: 'sites.csv',
        row: 2,
        column: 'fei',
        message: 'not a valid FDA Establishment Identifier (got "12")',
      },
    ]);
  });

  it('rejects unknown columns, unknown references and shares above 100 %', async () => {
    const e = await validationError(() =>
      parsePortfolioFiles(
        files({
          'apis.csv': 'product_id,api,colour\np1,amoxicillin,red\np9,ibuprofen,\n',
          'sites.csv':
            'api,site_id,name,country,share\namoxicillin,s1,Site 1,IND,70%\namoxicillin,s2,Site 2,CHN,0.4\nmetformin,s3,Site 3,IND,\n',
          'ksm.csv': 'api,site_id,ksm,supplier,country\namoxicillin,s9,6-APA,K,CHN\n',
        }),
      ),
    );
    expect(e.issues).toEqual([
      {
        file: 'apis.csv',
        row: 1,
        column: 'colour',
        message: expect.stringMatching(/^unknown column for apis/),
      },
    ]);
    const e2 = await validationError(() =>
      parsePortfolioFiles(
        files({
          'apis.csv': 'product_id,api\np1,amoxicillin\np9,ibuprofen\n',
          'sites.csv':
            'api,site_id,name,country,share\namoxicillin,s1,Site 1,IND,70%\namoxicillin,s2,Site 2,CHN,0.4\nmetformin,s3,Site 3,IND,\n',
          'ksm.csv': 'api,site_id,ksm,supplier,country\namoxicillin,s9,6-APA,K,CHN\n',
        }),
      ),
    );
    expect(e2.issues).toEqual([
      { file: 'apis.csv', row: 3, column: 'product_id', message: 'unknown product "p9"' },
      {
        file: 'sites.csv',
        row: 4,
        column: 'api',
        message: 'API "metformin" is not used by any product in apis',
      },
      {
        file: 'sites.csv',
        row: 2,
        column: 'share',
        message: 'shares of the sites supplying amoxicillin sum to 110.0 %, above 100 %',
      },
      {
        file: 'ksm.csv',
        row: 2,
        column: 'site_id',
        message: 'no site s9 supplying API "amoxicillin" in sites',
      },
    ]);
  });

  it('rejects a site whose country differs between two rows, and duplicate products', async () => {
    const e = await validationError(() =>
      parsePortfolioFiles(
        files({
          'products.csv': 'id,name\np1,One\np1,Again\n',
          'apis.csv': 'product_id,api\np1,a\np1,b\n',
          'sites.csv': 'api,site_id,name,country\na,s1,Site 1,IND\nb,s1,Site 1,CHN\n',
        }),
      ),
    );
    expect(e.issues.map((i) => [i.file, i.row, i.column])).toEqual([
      ['products.csv', 3, 'id'],
      ['sites.csv', 3, 'country'],
    ]);
  });

  it('requires products and apis, and names an unknown file', async () => {
    const e = await validationError(() => parsePortfolioFiles([{ name: 'suppliers.csv', text: 'a\n1\n' }]));
    expect(e.issues.map((i) => i.file)).toEqual(['suppliers.csv', 'products.csv', 'apis.csv']);
  });

  it('reads the JSON form and points at the bad record', async () => {
    const ok = parsePortfolioDocument({
      format: PORTFOLIO_FORMAT,
      products: [{ id: 'p1', name: 'P', ndc: ['0409-4888-02'] }],
      apis: [{ product_id: 'p1', api: 'x' }],
    });
    expect(ok.parts.products[0]!.row.ndc).toEqual(['0409-4888-02']);
    const e = await validationError(() =>
      parsePortfolioDocument({
        format: PORTFOLIO_FORMAT,
        products: [{ id: 'p1', name: 'P', ndc: ['12'], colour: 'red' }],
        apis: [{ product_id: 'p1', api: 'x' }],
        extra: [],
      }),
    );
    expect(e.issues).toEqual([
      { file: 'portfolio.json#/extra', column: 'extra', message: 'unknown field "extra"' },
      { file: 'portfolio.json#/products/0', column: 'colour', message: 'unknown field "colour"' },
      {
        file: 'portfolio.json#/products/0',
        column: 'ndc',
        message: expect.stringMatching(/^not a valid National Drug Code/),
      },
    ]);
  });
});
