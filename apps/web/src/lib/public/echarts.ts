/*
 * The only ECharts entry of the portal: tree-shaken (core + the two charts and components the
 * finance page and the supervision dashboard draw + canvas). Imported with a dynamic import() by
 * FinanceCharts.vue and supervision/MonthlyCharts.vue only, so no other page downloads it.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export { echarts };
