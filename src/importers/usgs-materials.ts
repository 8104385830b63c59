import type { Basis, Stage } from '../model/index.js';
import { slugify } from './slug.js';

/**
 * The USGS MCS mapping table: which trustmap material each row of the MCS world tables (2026 data
 * release, 2023 and 2024 tidy world files) and of the US import-source tables belongs to.
 *
 * Stage rules (documented in usgs-mcs.ts): mine production and reserves → `mine`; refinery, smelter,
 * plant and "primary production" → `refined`; compounds (oxides, salts, pigments) that USGS lists
 * only as imports → `chemical`. Basis: `element_content` where USGS counts the content of the element
 * (chapter header "… content", or the metal itself), `oxide_content` for oxide equivalents (K2O,
 * TiO2, MgO, Y2O3, Sc2O3), `reo` for rare-earth oxide equivalent, `carats`, `volume`, `compound` for
 * a named compound counted by gross weight (arsenic trioxide), and `gross_weight` otherwise.
 *
 * Products of one chapter are told apart by regular expressions tested against a descriptor:
 * `<measure> | <USGS Commodity> | <Statistics_detail>` for MCS 2026 and
 * `<measure> | <Type> | <measure_detail>[ | <country_qualifier>]` for the 2023/2024 tidy files. The first matching skip rule
 * drops the row (with a warning count); otherwise the first matching product wins.
 */
export interface ProductSpec {
  /** `<commodity-slug>.<stage>` */
  id: string;
  name: string;
  basis: Basis;
  note?: string;
}

export interface ProductRule extends ProductSpec {
  /** matches the descriptor; a product without `match` takes every row not matched before */
  match?: RegExp;
}

export interface SkipRule {
  match: RegExp;
  reason: string;
}

export interface ChapterRule {
  /** MCS chapter name as in the 2026 release (`MCS chapter` column) */
  chapter: string;
  /** USGS 5-letter file code of the 2023/2024 world files (`commodity_code` column) */
  code?: string;
  products: ProductRule[];
  skip?: SkipRule[];
  /**
   * Import Sources `Statistics_detail` → material id (null: the share set is skipped, e.g. a
   * "Total" that overlaps the product rows, or a product that is not one material). Key `*`: any
   * other detail.
   */
  imports?: Readonly<Record<string, string | null>>;
  /** materials that only the import-source tables refer to */
  importOnly?: ProductSpec[];
  /** published units that are demonstrably wrong, per edition and measure (applied with a note) */
  unitCorrections?: readonly UnitCorrection[];
}

export interface UnitCorrection {
  edition: number;
  measure: 'production' | 'capacity' | 'reserves';
  /** the unit as published (or as in the tidy file) */
  from: string;
  to: string;
  why: string;
}

const mine = (id: string, name: string, basis: Basis, match?: RegExp, note?: string): ProductRule => ({
  id: `${id}.mine`,
  name,
  basis,
  ...(match ? { match } : {}),
  ...(note ? { note } : {}),
});
const refined = (id: string, name: string, basis: Basis, match?: RegExp, note?: string): ProductRule => ({
  id: `${id}.refined`,
  name,
  basis,
  ...(match ? { match } : {}),
  ...(note ? { note } : {}),
});
const spec = (id: string, name: string, basis: Basis, note?: string): ProductSpec => ({
  id,
  name,
  basis,
  ...(note ? { note } : {}),
});

export const CHAPTERS: readonly ChapterRule[] = [
  {
    chapter: 'ABRASIVES (MANUFACTURED)',
    code: 'abras',
    products: [
      refined(
        'fused-aluminum-oxide',
        'Fused aluminum oxide (manufactured abrasive)',
        'gross_weight',
        /fused aluminum oxide/i,
      ),
      refined(
        'silicon-carbide',
        'Silicon carbide (manufactured abrasive)',
        'gross_weight',
        /silicon carbide/i,
      ),
    ],
    imports: {
      'Total fused aluminum oxide': 'fused-aluminum-oxide.refined',
      'Total silicon carbide': 'silicon-carbide.refined',
      '*': null,
    },
  },
  {
    chapter: 'ALUMINUM',
    code: 'alumi',
    products: [refined('aluminum', 'Aluminum (primary smelter production)', 'element_content')],
    imports: { '*': 'aluminum.refined' },
  },
  {
    chapter: 'ANTIMONY',
    code: 'antim',
    products: [mine('antimony', 'Antimony (mine production, antimony content)', 'element_content')],
    imports: {
      'Ore and concentrates': 'antimony.mine',
      'Unwrought metal and powder': 'antimony.refined',
      Oxide: 'antimony.chemical',
      'Total metal and oxide': null,
    },
    importOnly: [
      spec('antimony.refined', 'Antimony (unwrought metal and powder)', 'element_content'),
      spec('antimony.chemical', 'Antimony oxide', 'compound'),
    ],
  },
  {
    chapter: 'ARSENIC',
    code: 'arsen',
    products: [
      refined(
        'arsenic',
        'Arsenic trioxide (refinery/plant production, gross weight)',
        'compound',
        undefined,
        'USGS counts arsenic trioxide or its calculated equivalent, gross weight',
      ),
    ],
    imports: { 'Arsenic trioxide': 'arsenic.refined', '*': null },
  },
  {
    chapter: 'ASBESTOS',
    code: 'asbes',
    products: [mine('asbestos', 'Asbestos (mine production)', 'gross_weight')],
    imports: { '*': 'asbestos.mine' },
  },
  {
    chapter: 'BARITE',
    code: 'barit',
    products: [mine('barite', 'Barite (mine production)', 'gross_weight')],
    imports: { '*': 'barite.mine' },
  },
  {
    chapter: 'BAUXITE AND ALUMINA',
    code: 'bauxi',
    products: [
      mine('bauxite', 'Bauxite (mine production, dry weight)', 'gross_weight', /bauxite/i),
      refined('alumina', 'Alumina (refinery production, calcined equivalent)', 'gross_weight', /alumina/i),
    ],
    imports: { Bauxite: 'bauxite.mine', Alumina: 'alumina.refined' },
  },
  {
    chapter: 'BERYLLIUM',
    code: 'beryl',
    products: [mine('beryllium', 'Beryllium (mine production, beryllium content)', 'element_content')],
    imports: { '*': 'beryllium.refined' },
    importOnly: [spec('beryllium.refined', 'Beryllium (metal, alloys and compounds)', 'element_content')],
  },
  {
    chapter: 'BISMUTH',
    code: 'bismu',
    products: [refined('bismuth', 'Bismuth (refinery production)', 'element_content')],
    imports: { '*': 'bismuth.refined' },
  },
  {
    chapter: 'BORON',
    code: 'boron',
    products: [
      mine(
        'boron',
        'Boron minerals and compounds (production, form varies by country)',
        'gross_weight',
        undefined,
        'USGS reports each country in its own form (crude ore, ulexite, refined borates, B2O3 equivalent…); the form is in each record’s note, and country figures are not strictly additive',
      ),
    ],
    imports: { '*': 'boron.mine' },
  },
  {
    chapter: 'BROMINE',
    code: 'bromi',
    products: [mine('bromine', 'Bromine (production from brines, bromine content)', 'element_content')],
    imports: { '*': 'bromine.mine' },
  },
  {
    chapter: 'CADMIUM',
    code: 'cadmi',
    products: [refined('cadmium', 'Cadmium (refinery production)', 'element_content')],
    imports: { '*': 'cadmium.refined' },
  },
  {
    chapter: 'CEMENT',
    code: 'cemen',
    products: [
      refined(
        'cement',
        'Cement (plant production; capacity = clinker capacity)',
        'gross_weight',
        undefined,
        'capacity records are clinker capacity',
      ),
    ],
    imports: { '*': 'cement.refined' },
  },
  {
    chapter: 'CESIUM',
    products: [mine('cesium', 'Cesium (ore reserves)', 'gross_weight')],
  },
  {
    chapter: 'CHROMIUM',
    code: 'chrom',
    skip: [
      {
        match: /^reserves \| .*cr2o3 content/i,
        reason: 'reserves given a second time as Cr2O3 content (chromite ore reserves are kept)',
      },
    ],
    products: [mine('chromium', 'Chromite ore (mine production, marketable, gross weight)', 'gross_weight')],
    imports: {
      'Chromite (ores and concentrates)': 'chromium.mine',
      Ferrochromium: 'ferrochromium.refined',
      'Chromium metal': 'chromium.refined',
      'Chromium-containing chemicals': 'chromium.chemical',
      '*': null,
    },
    importOnly: [
      spec('ferrochromium.refined', 'Ferrochromium', 'gross_weight'),
      spec('chromium.refined', 'Chromium metal', 'element_content'),
      spec('chromium.chemical', 'Chromium chemicals', 'compound'),
    ],
  },
  {
    chapter: 'CLAYS',
    code: 'clays',
    products: [
      mine('bentonite', 'Bentonite (mine production)', 'gross_weight', /bentonite/i),
      mine('fullers-earth', 'Fuller’s earth (mine production)', 'gross_weight', /fuller/i),
      mine('kaolin', 'Kaolin (mine production)', 'gross_weight', /kaolin/i),
    ],
    imports: { '*': null },
  },
  {
    chapter: 'COBALT',
    code: 'cobal',
    products: [mine('cobalt', 'Cobalt (mine production, cobalt content)', 'element_content')],
    imports: { '*': 'cobalt.refined' },
    importOnly: [
      spec('cobalt.refined', 'Cobalt (refined: metal, oxide and salts, cobalt content)', 'element_content'),
    ],
  },
  {
    chapter: 'COPPER',
    code: 'coppe',
    products: [
      refined('copper', 'Copper (refinery production)', 'element_content', /refinery/i),
      mine('copper', 'Copper (mine production, recoverable copper content)', 'element_content'),
    ],
    imports: {
      'Refined copper': 'copper.refined',
      'Copper content of ore and concentrate': 'copper.mine',
      '*': null,
    },
  },
  {
    chapter: 'DIAMOND (INDUSTRIAL)',
    code: 'diamo',
    products: [mine('industrial-diamond', 'Industrial diamond, natural (mine production)', 'carats')],
    imports: { 'Stones, primarily natural': 'industrial-diamond.mine', '*': null },
  },
  {
    chapter: 'DIATOMITE',
    code: 'diato',
    products: [mine('diatomite', 'Diatomite (mine production)', 'gross_weight')],
    imports: { '*': 'diatomite.mine' },
  },
  {
    chapter: 'FELDSPAR AND NEPHELINE SYENITE',
    code: 'felds',
    products: [
      mine(
        'feldspar-and-nepheline-syenite',
        'Feldspar and nepheline syenite (mine production)',
        'gross_weight',
      ),
    ],
    imports: { Feldspar: 'feldspar-and-nepheline-syenite.mine', '*': null },
  },
  {
    chapter: 'FLUORSPAR',
    code: 'fluor',
    products: [mine('fluorspar', 'Fluorspar (mine production)', 'gross_weight')],
    imports: { '*': 'fluorspar.mine' },
  },
  {
    chapter: 'GALLIUM',
    code: 'galli',
    products: [
      refined(
        'gallium',
        'Gallium (primary low-purity production)',
        'element_content',
        undefined,
        'USGS "World Low-Purity Production and Production Capacity" (primary production)',
      ),
    ],
    imports: { '*': 'gallium.refined' },
  },
  {
    chapter: 'GARNET (INDUSTRIAL)',
    code: 'garne',
    products: [mine('garnet', 'Industrial garnet (mine production)', 'gross_weight')],
    imports: { '*': 'garnet.mine' },
  },
  {
    chapter: 'GEMSTONES',
    code: 'gemst',
    products: [mine('gemstones', 'Gem-quality natural diamond (mine production)', 'carats')],
    imports: { '*': 'gemstones.mine' },
  },
  {
    chapter: 'GERMANIUM',
    code: 'germa',
    products: [
      refined('germanium', 'Germanium (primary and secondary refinery production)', 'element_content'),
    ],
    imports: {
      'Germanium metal': 'germanium.refined',
      'Germanium dioxide (Ge content)': 'germanium.chemical',
      'Combined total': null,
    },
    importOnly: [spec('germanium.chemical', 'Germanium dioxide (germanium content)', 'element_content')],
  },
  {
    chapter: 'GOLD',
    code: 'gold',
    products: [mine('gold', 'Gold (mine production, gold content)', 'element_content')],
    imports: { Bullion: 'gold.refined', 'Ores and concentrates': 'gold.mine', '*': null },
    importOnly: [spec('gold.refined', 'Gold bullion', 'element_content')],
  },
  {
    chapter: 'GRAPHITE (NATURAL)',
    code: 'graph',
    products: [mine('graphite', 'Natural graphite (mine production)', 'gross_weight')],
    imports: { '*': 'graphite.mine' },
  },
  {
    chapter: 'GYPSUM',
    code: 'gypsu',
    products: [mine('gypsum', 'Gypsum (mine production)', 'gross_weight')],
    imports: { '*': 'gypsum.mine' },
  },
  {
    chapter: 'HELIUM AND RARE GASES',
    code: 'heliu',
    skip: [
      {
        match: /cliffside/i,
        reason: 'US helium sold from the Cliffside Field federal stockpile (storage, not production)',
      },
    ],
    products: [
      refined('krypton', 'Krypton (production)', 'volume', /krypton/i),
      refined('neon', 'Neon (production)', 'volume', /neon/i),
      refined('xenon', 'Xenon (production)', 'volume', /xenon/i),
      mine('helium', 'Helium (production from natural gas)', 'volume'),
    ],
    imports: { Helium: 'helium.mine', Argon: 'argon.refined' },
    importOnly: [spec('argon.refined', 'Argon', 'volume')],
  },
  {
    chapter: 'INDIUM',
    code: 'indiu',
    products: [refined('indium', 'Indium (refinery production)', 'element_content')],
    imports: { '*': 'indium.refined' },
  },
  {
    chapter: 'IODINE',
    code: 'iodin',
    products: [mine('iodine', 'Iodine (mine production, elemental iodine)', 'element_content')],
    imports: { '*': 'iodine.mine' },
  },
  {
    chapter: 'IRON AND STEEL',
    code: 'feste',
    products: [
      refined('pig-iron', 'Pig iron (production)', 'gross_weight', /pig iron/i),
      refined('raw-steel', 'Raw steel (production)', 'gross_weight', /raw steel/i),
    ],
    imports: { '*': null },
  },
  {
    chapter: 'IRON AND STEEL SLAG',
    skip: [{ match: /./, reason: 'world slag output is published only as a range, with no country rows' }],
    products: [],
    imports: { '*': null },
  },
  { chapter: 'IRON AND STEEL SCRAP', products: [], imports: { '*': null } },
  {
    chapter: 'IRON ORE',
    code: 'feore',
    products: [
      mine('iron', 'Iron (iron content of iron ore, mine production)', 'element_content', /iron content/i),
      mine(
        'iron-ore',
        'Iron ore (usable ore, mine production)',
        'gross_weight',
        undefined,
        'reserves are crude ore',
      ),
    ],
    imports: { '*': 'iron-ore.mine' },
  },
  {
    chapter: 'IRON OXIDE PIGMENTS',
    code: 'fepig',
    products: [mine('iron-oxide-pigments', 'Natural iron oxide pigments (mine production)', 'gross_weight')],
    imports: { Natural: 'iron-oxide-pigments.mine', Synthetic: 'iron-oxide-pigments.chemical', '*': null },
    importOnly: [spec('iron-oxide-pigments.chemical', 'Synthetic iron oxide pigments', 'compound')],
  },
  {
    chapter: 'KYANITE AND RELATED MINERALS',
    code: 'kyani',
    products: [
      mine(
        'kyanite-and-related-minerals',
        'Kyanite, andalusite and sillimanite (mine production)',
        'gross_weight',
      ),
    ],
    imports: { '*': 'kyanite-and-related-minerals.mine' },
  },
  {
    chapter: 'LEAD',
    code: 'lead',
    products: [mine('lead', 'Lead (mine production, lead content)', 'element_content')],
    imports: { 'Refined metal': 'lead.refined', '*': null },
    importOnly: [spec('lead.refined', 'Lead (refined metal)', 'element_content')],
  },
  {
    chapter: 'LIME',
    code: 'lime',
    products: [refined('lime', 'Lime (quicklime, hydrated lime and dead-burned dolomite)', 'gross_weight')],
    imports: { '*': 'lime.refined' },
  },
  {
    chapter: 'LITHIUM',
    code: 'lithi',
    products: [mine('lithium', 'Lithium (mine production, lithium content)', 'element_content')],
    imports: { '*': 'lithium.chemical' },
    importOnly: [
      spec(
        'lithium.chemical',
        'Lithium compounds (carbonate, hydroxide and other)',
        'compound',
        'US import sources of lithium are chiefly lithium carbonate and hydroxide',
      ),
    ],
  },
  {
    chapter: 'MAGNESIUM COMPOUNDS',
    code: 'mgcomp',
    products: [
      mine(
        'magnesite',
        'Magnesite (mine production, gross weight)',
        'gross_weight',
        /gross weight of magnesite/i,
        'MCS 2023 reports magnesite by gross weight; MCS 2024 and 2026 by MgO content (magnesium-compounds.mine)',
      ),
      mine(
        'magnesium-compounds',
        'Magnesite (mine production, MgO content)',
        'oxide_content',
        undefined,
        'MCS 2024 and the MCS 2026 chapter header give MgO content (the 2026 table title says gross weight)',
      ),
    ],
    imports: {
      'Crude magnesite': 'magnesite.mine',
      'Total imports': 'magnesium-compounds.chemical',
      '*': null,
    },
    importOnly: [
      spec(
        'magnesium-compounds.chemical',
        'Magnesium compounds (magnesia, chloride, hydroxide, sulfates; all imports)',
        'compound',
      ),
    ],
  },
  {
    chapter: 'MAGNESIUM METAL',
    code: 'mgmet',
    products: [refined('magnesium', 'Magnesium metal (primary smelter production)', 'element_content')],
    imports: { 'Magnesium metal (99.8% purity)': 'magnesium.refined', '*': null },
  },
  {
    chapter: 'MANGANESE',
    code: 'manga',
    products: [mine('manganese', 'Manganese (mine production, manganese content)', 'element_content')],
    imports: {
      'Manganese ore': 'manganese.mine',
      Ferromanganese: 'ferromanganese.refined',
      Silicomanganese: 'silicomanganese.refined',
      '*': null,
    },
    importOnly: [
      spec('ferromanganese.refined', 'Ferromanganese', 'gross_weight'),
      spec('silicomanganese.refined', 'Silicomanganese', 'gross_weight'),
    ],
  },
  {
    chapter: 'MERCURY',
    code: 'mercu',
    products: [mine('mercury', 'Mercury (mine production, mercury content)', 'element_content')],
    imports: { '*': 'mercury.refined' },
    importOnly: [spec('mercury.refined', 'Mercury (metal)', 'element_content')],
  },
  {
    chapter: 'MICA (NATURAL)',
    code: 'mica',
    products: [
      mine(
        'mica-scrap-and-flake',
        'Mica, scrap and flake (mine production)',
        'gross_weight',
        /scrap and flake/i,
      ),
      mine('mica-sheet', 'Mica, sheet (mine production)', 'gross_weight', /sheet/i),
    ],
    imports: { 'Scrap and flake': 'mica-scrap-and-flake.mine', Sheet: 'mica-sheet.mine' },
  },
  {
    chapter: 'MOLYBDENUM',
    code: 'molyb',
    products: [mine('molybdenum', 'Molybdenum (mine production, molybdenum content)', 'element_content')],
    imports: {
      'Molybdenum ore and concentrates': 'molybdenum.mine',
      Ferromolybdenum: 'ferromolybdenum.refined',
      '*': null,
    },
    importOnly: [spec('ferromolybdenum.refined', 'Ferromolybdenum', 'gross_weight')],
  },
  {
    chapter: 'NICKEL',
    code: 'nicke',
    products: [mine('nickel', 'Nickel (mine production, nickel content)', 'element_content')],
    imports: { 'Primary nickel': 'nickel.refined', '*': null },
    importOnly: [
      spec('nickel.refined', 'Nickel (primary: metal, ferronickel, oxide, chemicals)', 'element_content'),
    ],
  },
  {
    chapter: 'NIOBIUM (COLUMBIUM)',
    code: 'niobi',
    products: [mine('niobium', 'Niobium (mine production, niobium content)', 'element_content')],
    imports: {
      'Niobium and tantalum ores and concentrates': 'niobium.mine',
      'Niobium oxide': 'niobium.chemical',
      'Ferroniobium and niobium metal': 'niobium.refined',
      '*': null,
    },
    importOnly: [
      spec('niobium.chemical', 'Niobium oxide', 'compound'),
      spec('niobium.refined', 'Ferroniobium and niobium metal', 'element_content'),
    ],
  },
  {
    chapter: 'NITROGEN (FIXED)—AMMONIA',
    code: 'nitro',
    products: [refined('nitrogen', 'Ammonia (plant production, nitrogen content)', 'element_content')],
    imports: { '*': 'nitrogen.refined' },
  },
  {
    chapter: 'PEAT',
    code: 'peat',
    products: [mine('peat', 'Peat (mine production)', 'gross_weight')],
    imports: { '*': 'peat.mine' },
  },
  {
    chapter: 'PERLITE',
    code: 'perli',
    products: [mine('perlite', 'Perlite (mine production)', 'gross_weight')],
    imports: { '*': 'perlite.mine' },
  },
  {
    chapter: 'PHOSPHATE ROCK',
    code: 'phosp',
    products: [mine('phosphate-rock', 'Phosphate rock (mine production, marketable)', 'gross_weight')],
    imports: { '*': 'phosphate-rock.mine' },
  },
  {
    chapter: 'PLATINUM-GROUP METALS',
    code: 'plati',
    skip: [
      {
        match: /^reserves \| .*palladium/i,
        reason: 'PGM reserves are published once per country (on the platinum row)',
      },
    ],
    products: [
      mine(
        'platinum-group-metals',
        'Platinum-group metals (reserves, PGM content)',
        'element_content',
        /^reserves/i,
      ),
      mine('palladium', 'Palladium (mine production)', 'element_content', /palladium/i),
      mine('platinum', 'Platinum (mine production)', 'element_content', /platinum/i),
    ],
    imports: { Palladium: 'palladium.refined', Platinum: 'platinum.refined' },
    importOnly: [
      spec('palladium.refined', 'Palladium (refined metal)', 'element_content'),
      spec('platinum.refined', 'Platinum (refined metal)', 'element_content'),
    ],
  },
  {
    chapter: 'POTASH',
    code: 'potas',
    skip: [
      {
        match: /^reserves \| .*(recoverable ore|\| ore(\s*\||$))/i,
        reason: 'reserves given a second time as recoverable ore (K2O equivalent reserves are kept)',
      },
    ],
    products: [mine('potash', 'Potash (mine production, K2O equivalent)', 'oxide_content')],
    imports: { '*': 'potash.mine' },
  },
  {
    chapter: 'PUMICE AND PUMICITE',
    code: 'pumic',
    products: [mine('pumice-and-pumicite', 'Pumice and pumicite (mine production)', 'gross_weight')],
    imports: { '*': 'pumice-and-pumicite.mine' },
  },
  {
    chapter: 'QUARTZ (High-purity and Industrial Cultured CRYSTAL)',
    products: [],
    imports: { '*': 'quartz-crystal.refined' },
    importOnly: [spec('quartz-crystal.refined', 'Cultured quartz crystal (piezoelectric)', 'gross_weight')],
  },
  {
    chapter: 'RARE EARTHS',
    code: 'raree',
    products: [mine('rare-earths', 'Rare earths (mine production, rare-earth-oxide equivalent)', 'reo')],
    imports: { '*': 'rare-earths.refined' },
    importOnly: [spec('rare-earths.refined', 'Rare-earth compounds and metals', 'reo')],
  },
  {
    chapter: 'RARE EARTHS (Heavy)',
    products: [],
    imports: {
      'Terbium compounds and metals': 'terbium.refined',
      'Holmium compounds and metals': 'holmium.refined',
      'Erbium compounds and metals': 'erbium.refined',
      'Ytterbium compounds and metals': 'ytterbium.refined',
      'Lutetium compounds and metals': 'lutetium.refined',
    },
    importOnly: [
      spec('terbium.refined', 'Terbium compounds and metals', 'reo'),
      spec('holmium.refined', 'Holmium compounds and metals', 'reo'),
      spec('erbium.refined', 'Erbium compounds and metals', 'reo'),
      spec('ytterbium.refined', 'Ytterbium compounds and metals', 'reo'),
      spec('lutetium.refined', 'Lutetium compounds and metals', 'reo'),
    ],
  },
  {
    chapter: 'RHENIUM',
    code: 'rheni',
    products: [mine('rhenium', 'Rhenium (mine production, rhenium content)', 'element_content')],
    imports: { 'Ammonium perrhenate': 'rhenium.chemical', 'Rhenium metal': 'rhenium.refined', '*': null },
    importOnly: [
      spec('rhenium.chemical', 'Ammonium perrhenate', 'compound'),
      spec('rhenium.refined', 'Rhenium metal', 'element_content'),
    ],
  },
  {
    chapter: 'RUBIDIUM',
    products: [mine('rubidium', 'Rubidium (ore reserves)', 'gross_weight')],
    imports: { '*': 'rubidium.refined' },
    importOnly: [spec('rubidium.refined', 'Rubidium (compounds and metal)', 'compound')],
  },
  {
    chapter: 'SALT',
    code: 'salt',
    products: [mine('salt', 'Salt (production)', 'gross_weight')],
    imports: { '*': 'salt.mine' },
  },
  {
    chapter: 'SAND AND GRAVEL (CONSTRUCTION)',
    products: [
      mine('sand-and-gravel-construction', 'Construction sand and gravel (mine production)', 'gross_weight'),
    ],
    imports: { '*': 'sand-and-gravel-construction.mine' },
  },
  {
    chapter: 'SAND AND GRAVEL (INDUSTRIAL)',
    code: 'sandi',
    products: [
      mine('sand-and-gravel-industrial', 'Industrial sand and gravel (mine production)', 'gross_weight'),
    ],
    imports: { '*': 'sand-and-gravel-industrial.mine' },
  },
  {
    chapter: 'SCANDIUM',
    products: [
      mine(
        'scandium',
        'Scandium (global production, scandium oxide equivalent)',
        'oxide_content',
        undefined,
        'capacity records are scandium oxide capacity',
      ),
    ],
    imports: { '*': 'scandium.chemical' },
    importOnly: [spec('scandium.chemical', 'Scandium compounds (chiefly oxide)', 'compound')],
  },
  {
    chapter: 'SELENIUM',
    code: 'selen',
    products: [refined('selenium', 'Selenium (refinery production)', 'element_content')],
    imports: { Selenium: 'selenium.refined', 'Selenium dioxide': 'selenium.chemical' },
    importOnly: [spec('selenium.chemical', 'Selenium dioxide', 'compound')],
  },
  {
    chapter: 'SILICON',
    code: 'simet',
    skip: [
      {
        match: /combined totals/i,
        reason: 'MCS 2023 gives ferrosilicon and silicon metal only combined (no single material)',
      },
    ],
    products: [
      refined(
        'ferrosilicon',
        'Ferrosilicon (plant production, silicon content)',
        'element_content',
        /ferrosilicon/i,
      ),
      refined('silicon', 'Silicon metal (plant production)', 'element_content', /silicon metal/i),
    ],
    imports: { Ferrosilicon: 'ferrosilicon.refined', 'Silicon metal': 'silicon.refined', '*': null },
  },
  {
    chapter: 'SILVER',
    code: 'silve',
    products: [mine('silver', 'Silver (mine production, silver content)', 'element_content')],
    imports: { '*': 'silver.refined' },
    importOnly: [spec('silver.refined', 'Silver (refined bullion and other forms)', 'element_content')],
  },
  {
    chapter: 'SODA ASH',
    code: 'sodaa',
    skip: [
      { match: /natural and synthetic/i, reason: 'natural + synthetic world total (no single material)' },
      { match: /^reserves \| .*synthetic/i, reason: 'synthetic soda ash has no reserves' },
    ],
    products: [
      {
        id: 'soda-ash.chemical',
        name: 'Soda ash, synthetic (world production)',
        basis: 'compound',
        match: /synthetic/i,
      },
      mine('soda-ash', 'Soda ash, natural (mine production)', 'gross_weight'),
    ],
    imports: { '*': 'soda-ash.chemical' },
  },
  {
    chapter: 'STONE (CRUSHED)',
    products: [mine('stone-crushed', 'Crushed stone (mine production)', 'gross_weight')],
    imports: { '*': 'stone-crushed.mine' },
  },
  {
    chapter: 'STONE (DIMENSION)',
    code: 'stond',
    products: [mine('stone-dimension', 'Dimension stone (mine production)', 'gross_weight')],
    imports: { 'All dimension stone': 'stone-dimension.mine', '*': null },
  },
  {
    chapter: 'STRONTIUM',
    code: 'stron',
    products: [mine('strontium', 'Strontium (mine production, strontium content)', 'element_content')],
    imports: { Celestite: 'strontium.mine', 'Strontium compounds': 'strontium.chemical', '*': null },
    importOnly: [spec('strontium.chemical', 'Strontium compounds', 'compound')],
  },
  {
    chapter: 'SULFUR',
    code: 'sulfu',
    products: [
      refined(
        'sulfur',
        'Sulfur (production, all forms, sulfur content)',
        'element_content',
        undefined,
        'mostly recovered from oil and gas processing and smelting; includes mined sulfur and pyrites',
      ),
    ],
    imports: { Elemental: 'sulfur.refined', 'Sulfuric acid': 'sulfuric-acid.chemical', '*': null },
    importOnly: [spec('sulfuric-acid.chemical', 'Sulfuric acid', 'compound')],
  },
  {
    chapter: 'TALC AND PYROPHYLLITE',
    code: 'talc',
    products: [mine('talc-and-pyrophyllite', 'Talc and pyrophyllite (mine production)', 'gross_weight')],
    imports: { '*': 'talc-and-pyrophyllite.mine' },
  },
  {
    chapter: 'TANTALUM',
    code: 'tanta',
    products: [mine('tantalum', 'Tantalum (mine production, tantalum content)', 'element_content')],
    imports: {
      'Tantalum ores and concentrates': 'tantalum.mine',
      'Tantalum metal and powder': 'tantalum.refined',
      '*': null,
    },
    importOnly: [spec('tantalum.refined', 'Tantalum metal and powder', 'element_content')],
  },
  {
    chapter: 'TELLURIUM',
    code: 'tellu',
    products: [refined('tellurium', 'Tellurium (refinery production)', 'element_content')],
    imports: { '*': 'tellurium.refined' },
  },
  {
    chapter: 'THALLIUM',
    products: [],
    imports: { '*': 'thallium.refined' },
    importOnly: [spec('thallium.refined', 'Thallium (metal and compounds)', 'element_content')],
  },
  {
    chapter: 'THORIUM',
    products: [],
    imports: { 'Ores and concentrates (monazite)': 'thorium.mine', 'Thorium compounds': 'thorium.chemical' },
    importOnly: [
      spec('thorium.mine', 'Thorium ores and concentrates (monazite)', 'gross_weight'),
      spec('thorium.chemical', 'Thorium compounds', 'compound'),
    ],
  },
  {
    chapter: 'TIN',
    code: 'tin',
    products: [mine('tin', 'Tin (mine production, tin content)', 'element_content')],
    imports: { 'Refined tin': 'tin.refined', '*': null },
    importOnly: [spec('tin.refined', 'Tin (refined)', 'element_content')],
  },
  {
    chapter: 'TITANIUM AND TITANIUM DIOXIDE',
    code: 'titan',
    products: [
      {
        id: 'tio2-pigment.chemical',
        name: 'Titanium dioxide pigment (plant capacity)',
        basis: 'compound',
        // the tidy files put "Pigment" / "Sponge" in measure_detail; their type names both
        match: /\| tio2 pigment|\| pigment(\s*\||$)/i,
      },
      refined('titanium', 'Titanium sponge metal (production)', 'element_content', /sponge/i),
    ],
    imports: { 'Titanium Sponge Metal': 'titanium.refined', 'TiO2 pigment': 'tio2-pigment.chemical' },
  },
  {
    chapter: 'TITANIUM MINERAL CONCENTRATES',
    code: 'timin',
    skip: [{ match: /ilmen\w*te and rutile/i, reason: 'ilmenite + rutile world total (no single material)' }],
    products: [
      mine('ilmenite', 'Ilmenite (mine production, TiO2 content)', 'oxide_content', /ilmenite/i),
      mine('rutile', 'Rutile (mine production, TiO2 content)', 'oxide_content', /rutile/i),
    ],
    imports: { '*': 'titanium-mineral-concentrates.mine' },
    importOnly: [
      spec(
        'titanium-mineral-concentrates.mine',
        'Titanium mineral concentrates (ilmenite, rutile, slag)',
        'oxide_content',
      ),
    ],
  },
  {
    chapter: 'TUNGSTEN',
    code: 'tungs',
    products: [mine('tungsten', 'Tungsten (mine production, tungsten content)', 'element_content')],
    imports: { '*': 'tungsten.mine' },
  },
  {
    chapter: 'VANADIUM',
    code: 'vanad',
    // World vanadium reserves are about 20 million t (MCS 2023 and 2024: 26,000 and 19,000 thousand
    // metric tons). The MCS 2026 CSV labels its reserves (world 21,000) "metric tons", which would put
    // reserves below one year of mine output (China 84,000 t in 2024).
    unitCorrections: [
      {
        edition: 2026,
        measure: 'reserves',
        from: 'metric tons',
        to: 'thousand metric tons',
        why: 'unit corrected: the CSV says metric tons, but the figures are thousand metric tons (world 21,000 kt; MCS 2024: 19,000 kt)',
      },
    ],
    products: [mine('vanadium', 'Vanadium (mine production, vanadium content)', 'element_content')],
    imports: { Ferrovanadium: 'ferrovanadium.refined', 'Vanadium pentoxide': 'vanadium.chemical', '*': null },
    importOnly: [
      spec('ferrovanadium.refined', 'Ferrovanadium', 'gross_weight'),
      spec('vanadium.chemical', 'Vanadium pentoxide', 'compound'),
    ],
  },
  {
    chapter: 'VERMICULITE',
    code: 'vermi',
    products: [mine('vermiculite', 'Vermiculite (mine production)', 'gross_weight')],
    imports: { '*': 'vermiculite.mine' },
  },
  {
    chapter: 'WOLLASTONITE',
    code: 'wolla',
    products: [mine('wollastonite', 'Wollastonite (mine production)', 'gross_weight')],
    imports: { '*': 'wollastonite.mine' },
  },
  {
    chapter: 'YTTRIUM',
    products: [mine('yttrium', 'Yttrium (mine production, Y2O3 equivalent)', 'oxide_content')],
    imports: { '*': 'yttrium.refined' },
    importOnly: [spec('yttrium.refined', 'Yttrium compounds and metal', 'oxide_content')],
  },
  {
    chapter: 'ZEOLITES (NATURAL)',
    code: 'zeoli',
    products: [mine('zeolites', 'Natural zeolites (mine production)', 'gross_weight')],
    imports: { '*': 'zeolites.mine' },
  },
  {
    chapter: 'ZINC',
    code: 'zinc',
    products: [mine('zinc', 'Zinc (mine production, zinc content)', 'element_content')],
    imports: { 'Ores and concentrates': 'zinc.mine', 'Refined metal': 'zinc.refined', '*': null },
    importOnly: [spec('zinc.refined', 'Zinc (refined metal)', 'element_content')],
  },
  {
    chapter: 'ZIRCONIUM AND HAFNIUM',
    code: 'zirco',
    products: [
      mine(
        'zirconium',
        'Zirconium mineral concentrates (mine production, gross weight)',
        'gross_weight',
        undefined,
        'reserves are ZrO2 content',
      ),
    ],
    imports: {
      'Zirconium ores and concentrates': 'zirconium.mine',
      'Zirconium, unwrought': 'zirconium.refined',
      'Zirconium, compounds': 'zirconium.chemical',
      'Hafnium, unwrought': 'hafnium.refined',
      '*': null,
    },
    importOnly: [
      spec('zirconium.refined', 'Zirconium metal, unwrought', 'element_content'),
      spec('zirconium.chemical', 'Zirconium compounds', 'compound'),
      spec('hafnium.refined', 'Hafnium metal, unwrought', 'element_content'),
    ],
  },
];

const BY_CHAPTER = new Map(CHAPTERS.map((c) => [normaliseChapter(c.chapter), c]));
const BY_CODE = new Map(CHAPTERS.filter((c) => c.code).map((c) => [c.code!, c]));

/** Chapter names differ in dash and case between editions ("NITROGEN (FIXED)-AMMONIA"). */
function normaliseChapter(name: string): string {
  return name
    .replace(/[\u2013\u2014]/g, '-')
    .toUpperCase()
    .trim();
}

export function chapterRule(chapter: string): ChapterRule | undefined {
  return BY_CHAPTER.get(normaliseChapter(chapter));
}

export function chapterByCode(code: string): ChapterRule | undefined {
  return BY_CODE.get(code.trim().toLowerCase());
}

export type Classified = { product: ProductSpec } | { skip: string } | { unmatched: true };

/** Which product of a chapter a row belongs to, from its descriptor (see the file header). */
export function classify(rule: ChapterRule, descriptor: string): Classified {
  for (const s of rule.skip ?? []) if (s.match.test(descriptor)) return { skip: s.reason };
  for (const p of rule.products) if (!p.match || p.match.test(descriptor)) return { product: p };
  return { unmatched: true };
}

/** Every material spec a chapter can produce (products and import-only materials), by id. */
export function chapterSpecs(rule: ChapterRule): Map<string, ProductSpec> {
  const out = new Map<string, ProductSpec>();
  for (const p of rule.products) if (!out.has(p.id)) out.set(p.id, p);
  for (const p of rule.importOnly ?? []) if (!out.has(p.id)) out.set(p.id, p);
  return out;
}

/**
 * The material of an import-source share set: `undefined` when the chapter's table has no entry
 * (unknown detail), `null` when the set is deliberately skipped.
 */
export function importMaterial(rule: ChapterRule, detail: string): string | null | undefined {
  const m = rule.imports;
  if (!m) return undefined;
  if (Object.hasOwn(m, detail)) return m[detail];
  return Object.hasOwn(m, '*') ? m['*'] : undefined;
}

/** USGS commodity names whose slug is not simply the slugified name. */
const COMMODITY_SLUGS: Readonly<Record<string, string>> = {
  'graphite (natural)': 'graphite',
  'niobium (columbium)': 'niobium',
  'mica (natural)': 'mica',
  'garnet (industrial)': 'garnet',
  'zeolites (natural)': 'zeolites',
  'diamond (industrial)': 'industrial-diamond',
  'nitrogen (fixed)—ammonia': 'nitrogen',
  'nitrogen (fixed)-ammonia': 'nitrogen',
  'abrasives (manufactured)': 'abrasives',
  'magnesium metal': 'magnesium',
  'titanium sponge metal': 'titanium',
  'tio2 pigment': 'tio2-pigment',
  'quartz (high-purity and industrial cultured crystal)': 'quartz-crystal',
};

/** The commodity slug of a USGS commodity name (`Graphite (Natural)` → `graphite`). */
export function commoditySlug(name: string): string {
  const key = name.trim().toLowerCase().replace(/\s+/g, ' ');
  return COMMODITY_SLUGS[key] ?? slugify(name);
}

/** The stage a USGS detail text names, for chapters missing from the table (generic fallback). */
export function stageFromDetail(detail: string): Stage {
  return /refin|smelt|plant|primary|sponge|metal/i.test(detail) ? 'refined' : 'mine';
}

/** The corrected unit of a row (and why), or the published unit unchanged. */
export function correctedUnit(
  rule: ChapterRule | undefined,
  edition: number,
  measure: string,
  published: string,
): { unit: string; why?: string } {
  const p = published.trim().toLowerCase();
  for (const c of rule?.unitCorrections ?? []) {
    if (c.edition === edition && c.measure === measure && c.from === p) return { unit: c.to, why: c.why };
  }
  return { unit: published };
}
