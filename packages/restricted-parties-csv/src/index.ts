export * from './restricted-parties-csv.js';
