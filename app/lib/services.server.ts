// Built when the server starts: an invalid environment stops the process here, naming the variable.
import { getServices } from '#server/services.ts';

export const services = getServices();
