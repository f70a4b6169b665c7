// The data set: a deterministic function of the profile. See plan.ts for the load order.
export type { DataProfile, Doc, ResourceDoc } from './profile.ts';
export { validateProfile, PROFILE_LIMITS } from './profile.ts';
export * from './plan.ts';
export * from './keys.ts';
export * from './builders.ts';
export { descriptorResource, DESCRIPTOR_SETS } from './descriptors.ts';
export * from './iterations.ts';
export * from './reference-data.ts';
