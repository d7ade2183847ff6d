export { type AlerterConfig, loadConfig } from './config.ts';
