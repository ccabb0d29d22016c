// Built when the server starts: an invalid environment stops the process here, naming the variable.
import { getRuntime } from '#server/runtime.ts';

export const runtime = getRuntime();
