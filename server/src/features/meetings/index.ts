export { default } from './meetings.routes.ts';
