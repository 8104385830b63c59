/**
 * ECharts with only what the dashboard draws (tree-shaken: bar, line, map, Sankey; grid, tooltip,
 * legend, visual map, mark line, aria; the SVG renderer, which also gives SVG export for free).
 * Loaded lazily by the first chart on a page.
 */
import { BarChart, LineChart, MapChart, SankeyChart } from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  LineChart,
  MapChart,
  SankeyChart,
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
  SVGRenderer,
]);

export { echarts };
