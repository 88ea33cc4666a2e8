/**
 * Chart.js, only the parts the page draws (tree-shaken: line and bar charts, their scales, legend and tooltip),
 * with the page's font and colours. Every chart also has a data table beside it: a canvas is a picture.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  type PointStyle,
  Tooltip,
} from 'chart.js';

Chart.register(
  LineController,
  LineElement,
  PointElement,
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  Legend,
  Tooltip,
);

Chart.defaults.font.family =
  'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
Chart.defaults.font.size = 13;
Chart.defaults.color = '#1f2933';
Chart.defaults.borderColor = '#d5dbe1';
// Charts appear at once: motion adds nothing here, and some people are made ill by it.
Chart.defaults.animation = false;

/** Okabe–Ito: told apart with every common colour vision deficiency. Lines also differ by point and dash. */
export const SERIES_COLOURS = [
  '#0072b2',
  '#d55e00',
  '#009e73',
  '#cc79a7',
  '#e69f00',
  '#56b4e9',
  '#000000',
  '#8c564b',
];
export const POINT_STYLES: readonly PointStyle[] = [
  'circle',
  'rect',
  'triangle',
  'rectRot',
  'crossRot',
  'star',
  'rectRounded',
  'cross',
];
export const DASHES: readonly number[][] = [[], [6, 4], [2, 3], [10, 3, 2, 3]];

export { Chart, type ChartConfiguration };
