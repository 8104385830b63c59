export * from './critical-path.js';
export * from './pathway-file.js';
