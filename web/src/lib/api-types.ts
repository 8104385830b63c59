/**
 * The JSON the dashboard reads: the services' return values (= `trustmap <cmd> --json`), as
 * far as the dashboard uses them. The authoritative types live in src/services; these name only
 * the fields read here, so the web bundle does not typecheck the server's modules.
 */
import type { Unavailable } from './format.js';

export type Num = number | Unavailable;

export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    field?: string;
    issues?: Issue[];
  };
}

export interface Issue {
  file?: string;
  row?: number;
  column?: string;
  field?: string;
  message: string;
}

export interface Me {
  user: { id: string | number; email: string; role: 'viewer' | 'analyst' | 'admin' };
  org: { id: string | number; name: string };
}

export interface MaterialRef {
  id: string;
  name: string;
  stage?: string;
  tags?: string[];
  illustrative?: boolean;
}

export interface MineralRiskRow {
  material: MaterialRef;
  period: string;
  hhi: Num;
  concernShare: Num;
  regionShare: Num;
  top: { country: string; share: number | null }[];
  importReliance: Num;
  euSupplyRisk: Num | null;
  source_id: string;
}

export interface ApiRiskRow {
  material: MaterialRef;
  score: Num;
  lower: number;
  upper: number;
  holders: number;
  concernHolderShare: number | null;
  inShortage: boolean;
}

export interface RiskTable {
  region: { code: string; members: string[] };
  concern: string;
  minerals: MineralRiskRow[];
  apis: ApiRiskRow[];
  sources: string[];
  assumptions: string[];
}

export interface Share {
  country: string;
  quantity: number | null;
  share: number | null;
  flag?: string | null;
}

export interface ConcentrationRow {
  measure: string;
  period: string;
  unit: string;
  source_id: string;
  total: number;
  worldTotal: number | null;
  shares: Share[];
  hhi: Num;
  hhiUpper?: Num;
  concernShare: Num;
  regionShare?: Num;
  withheld?: unknown[];
  assumptions: string[];
}

export interface Source {
  id: string;
  publisher: string;
  title: string;
  year: number;
  url?: string | null;
  file?: string | null;
  licence?: string | null;
  note?: string | null;
  records?: number;
  illustrative?: boolean;
}

export interface DmfSummary {
  substance: string[];
  holders: number;
  byCountry: { country: string; holders: number }[];
  multiCountry: { holder: string; countries: string[] }[];
  unknownCountry: number;
  holderList: { holder: string; country_status: string; countries: string[]; dmfs: number[] }[];
  note: string;
}

export interface MaterialReport {
  material: MaterialRef & { commodity: string; unit: string; source_id: string; note: string | null };
  concentration: ConcentrationRow[];
  dmf: DmfSummary | null;
  shortages: { generic_name: string; status: string; availability: string | null; snapshot_date: string }[];
  inputs: { id: string; name: string; stage: string; quantity: number | null; illustrative: boolean }[];
  usedIn: { id: string; name: string; stage: string }[];
  importSources: { importer: string; partner: string; period: string; share: number; source_id: string }[];
  statistics: {
    statistic: string;
    detail: string | null;
    period: string;
    value: number | null;
    unit: string;
  }[];
  sources: Source[];
  assumptions: string[];
}

export interface SrContribution {
  country: string;
  share: number;
  wgi: number | null;
  t: number;
  contribution: number;
}

export interface SrStage {
  stage: string;
  stageName: string;
  material_id: string | null;
  usedByAssessment: boolean;
  global: {
    basis: string;
    source_id: string;
    period: string;
    hhiWgiT: Num;
    contributions: SrContribution[];
  } | null;
  sourcing: {
    basis: string;
    source_id: string;
    period: string;
    hhiWgiT: Num;
    contributions: SrContribution[];
  } | null;
  factors: Record<string, number | string | Unavailable | string[] | null>;
  assumptions: string[];
}

export interface SupplyRiskResult {
  material: string;
  region: string;
  wgiYear: number;
  stage: string;
  sr: Num;
  stages: SrStage[];
  sources: string[];
  assumptions: string[];
}

export interface SrReport {
  supplyRisk: SupplyRiskResult[];
  geoPolRisk: unknown[];
}

export interface PathStep {
  material: string;
  location: string;
  role: string;
  share: number | null;
  costShare: number | null;
}

export interface BuyerExposure {
  country: string | null;
  view: string;
  node: string;
  countries: { country: string; value: Num; bottleneck: number; direct: number | null }[];
  otherCountries: { value: Num; bottleneck: number };
  unknownOrigin: { value: Num; bottleneck: number };
  concern: { country: string; value: Num; bottleneck: Num; direct: number | null };
  paths: {
    country: string;
    variant: 'value' | 'bottleneck';
    paths: { weight: number; steps: PathStep[] }[];
  }[];
  sources: string[];
  assumptions: string[];
}

export interface ExposureReport {
  material: { id: string; name: string; stage: string; unit: string };
  year: number;
  concern: string;
  buyers: BuyerExposure[];
  sources: string[];
  assumptions: string[];
}

export interface MarketSummary {
  material: string;
  market: string;
  demand: number;
  delivered: number;
  shortfall: number;
  fillRate: number | null;
  peakShortfall: number;
  daysShort: number;
  observedTTS: number | null;
  observedTTR: number | null;
}

export interface MarketCurves {
  material: string;
  market: string;
  supply: number[];
  demand: number[];
  shortfall: number[];
  inventory: number[];
}

export interface SimulationReport {
  run: { id: string | null; name: string; horizonDays: number; stepDays: number; year: number };
  summaries: MarketSummary[];
  curves?: MarketCurves[];
  sources: string[];
  assumptions: string[];
  warnings: string[];
}

export interface ShippedScenario {
  name: string;
  file?: string;
  description?: string;
  citations?: { title: string; publisher?: string; year?: number; url?: string }[];
}

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface Job {
  id: string;
  kind: string;
  status: JobStatus;
  createdAt?: string;
  progress?: { done: number; total: number; message?: string };
  result?: unknown;
  error?: ApiErrorBody['error'] | string;
}

export interface Country {
  iso3: string;
  name: string;
  kind: string;
  regions: string[];
}

/* ---- optimiser (src/services/optimize.ts OptimizeReport; src/server/catalog.ts PlanEntry) ---- */

export type Currency = 'USD' | 'INR';

export interface PlanEntry {
  name: string;
  file: string;
  description: string | null;
  currency: Currency;
  budget: number;
  products: number;
  candidates: number;
}

/** a shipped plan (Plan schema), as far as the page shows it */
export interface PlanDoc {
  name: string;
  description?: string;
  currency: Currency;
  exchange_rate?: { inr_per_usd: number; source?: string; date?: string; illustrative: boolean };
  budget: number;
  market: string;
  candidates: ({ id: string; kind: string; product: string; illustrative: boolean; note?: string } & Record<
    string,
    unknown
  >)[];
  products: { material: string; weight: number; market?: string; illustrative_quantities?: unknown }[];
}

export interface Money {
  amount: number;
  currency: Currency;
  usd: number;
}

export interface LossFigures {
  expected: number;
  p95: number;
}

export type SolveStatus =
  | 'optimal'
  | 'infeasible'
  | 'unbounded'
  | 'unbounded-or-infeasible'
  | 'time-limit'
  | 'iteration-limit'
  | 'interrupted'
  | 'empty'
  | 'error';

export interface SolveSummary {
  budgetShare: number;
  budget: Money;
  status: SolveStatus;
  hasSolution: boolean;
  size: { rows: number; columns: number; nonzeros: number; integers: number };
  seconds: number;
  objective: number | null;
  dualBound: number | null;
  gap: number | null;
  spent: Money | null;
  loss: LossFigures | null;
  message?: string;
}

export interface ChosenIntervention {
  id: string;
  kind: string;
  product: string;
  size: number;
  sizeUnit: string;
  cost: Money;
  where: string;
  leadDays: number | null;
  existingRegisteredSite: { fei: string; firmName: string; country: string; apiManufacture: boolean } | null;
  illustrative: boolean;
  source: string | null;
}

export interface ProductResult {
  material: string;
  market: string;
  unit: string;
  weight: number;
  annualDemand: number;
  simulated: boolean;
  before: LossFigures;
  afterModel: LossFigures;
  afterResimulated: LossFigures | null;
  spent: Money;
  illustrative: boolean;
}

export interface Priority {
  rank: number;
  material: string;
  market: string;
  reasons: string[];
  avoidedPerMillionUsd: number | null;
  weight: number;
  hhi: number | null;
  concentrationNote: string;
}

export interface OptimizeReport {
  plan: {
    name: string;
    file: string | null;
    currency: Currency;
    exchangeRate: { inr_per_usd: number; source?: string; date?: string; illustrative: boolean };
    budget: Money;
    year: number;
    horizonDays: number;
    periods: number;
    scenarios: { kind: 'hazard_set' | 'files'; count: number; seed: number | null; name: string };
  };
  status: SolveStatus;
  message: string;
  diagnosis: { conflict?: { rows: string[]; columns: string[] }; ray?: string[]; message: string } | null;
  solve: SolveSummary;
  chosen: ChosenIntervention[];
  spent: Money | null;
  products: ProductResult[];
  totals: { before: LossFigures; afterModel: LossFigures | null; afterResimulated: LossFigures | null };
  budgetCurve: SolveSummary[];
  priorities: Priority[];
  sources: string[];
  assumptions: string[];
  warnings: string[];
  seconds: number;
}
