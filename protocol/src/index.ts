export * from './errors.js';
export * from './limits.js';
export * from './emoji.js';
export * from './shapes.js';
export * from './inputs.js';
export * from './events.js';
export * from './responses.js';
export * from './text.js';
