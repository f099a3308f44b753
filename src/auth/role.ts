/** Roles and the calling principal are defined beside the request context (common/context), which carries them. */
export { ROLES, actorIdOf } from '../common/context/principal.js';
export type { Principal, Role } from '../common/context/principal.js';
