export * from './backtest.js';
export * from './holt.js';
export * from './nelder-mead.js';
