export * from './plan.js';
export * from './plan-repository.js';
export * from './plan-validation.js';
export * from './plan-errors.js';
export * from './default-plans.js';
export * from './plan-service.js';
