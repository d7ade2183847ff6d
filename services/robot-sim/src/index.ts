export { buildRobotSimApp, type RobotSimOptions } from './app.ts';
export { loadConfig, type RobotSimConfig } from './config.ts';
export type { ReceivedMessage } from './inbox.ts';
export { DEMO_ROBOTS, LIMITS, ROBOT_TYPES, type Robot, type RobotType } from './robots.ts';
