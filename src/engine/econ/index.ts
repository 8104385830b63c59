export * from './cost-gap.js';
export * from './cost-inputs.js';
