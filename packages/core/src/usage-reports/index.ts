export * from './usage-report.js';
export * from './usage-report-repository.js';
export * from './usage-report-service.js';
