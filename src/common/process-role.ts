/**
 * What this process is: the server, or a CLI command run beside it on the same database and
 * DATA_DIR (default: the server). First-start work and the usage spool are the server's.
 */
export type ProcessRole = 'server' | 'cli';

export const PROCESS_ROLE = Symbol('PROCESS_ROLE');
