// Reads the `.env` file into process.env, beneath the environment: a variable set in both keeps
// the environment's value. Imported first by every entry point (`npm start`, `serve`, `worker` and
// the operations commands), so server/env.ts and everything else see one set of variables.
// ENV_FILE names another file; an empty ENV_FILE reads none (the test harness starts its
// processes that way, so a developer's own .env never changes what a test sees).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { config } from 'dotenv';

const file = process.env.ENV_FILE ?? '.env';
if (file !== '' && existsSync(path.resolve(file))) config({ path: path.resolve(file), quiet: true });
