export { default as authPlugin, userOf } from './auth-plugin.ts';
export { default as authRoutes } from './auth.routes.ts';
