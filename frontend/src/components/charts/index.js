// The dashboard's chart components. Figures.jsx loads this module with import(), so d3 goes into
// a chunk of its own and the public pages do not download it.
export { BarChart } from './BarChart.jsx';
export { MonthChart } from './MonthChart.jsx';
