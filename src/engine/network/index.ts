export * from './exposure-network.js';
export * from './snapshot.js';
export * from './supply-network.js';
export * from './synthetic.js';
