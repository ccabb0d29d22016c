// Where `npm start` keeps what outlives a run: the cluster, its keys, and the running simulator's
// address for the CLI. `.local/dev` in the project, or LOCAL_DATA_DIR (a second stack, a test).
import path from 'node:path';

export function localDataDir(): string {
  return path.resolve(process.env.LOCAL_DATA_DIR || path.join(import.meta.dirname, '..', '.local', 'dev'));
}
