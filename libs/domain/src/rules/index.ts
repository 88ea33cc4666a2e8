export * from './types';
export * from './dk-youth';
export * from './resolve';
export * from './evaluate';
export * from './describe-due';
export * from './due-for';
export * from './danish-titles';
export * from './municipal-settings';
