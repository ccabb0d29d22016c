// Where a running simulator says where it is: `npm start` writes this file so the CLI (and other
// local tools) find the simulator without being told its port.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { localDataDir } from '../local-data-dir.ts';
import type { MetaSimulator } from './simulator.ts';

const simulatorFile = () => path.join(localDataDir(), 'meta-simulator.json');

export interface SimulatorFile {
  url: string;
  chatUrl: string;
  instagramGraphUrl: string;
  facebookGraphUrl: string;
  pid: number;
}

export async function writeSimulatorFile(sim: MetaSimulator, file = simulatorFile()): Promise<void> {
  const content: SimulatorFile = {
    url: sim.url,
    chatUrl: `${sim.url}/chat`,
    instagramGraphUrl: sim.instagramGraphUrl,
    facebookGraphUrl: sim.facebookGraphUrl,
    pid: process.pid,
  };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(content, null, 2)}\n`);
}

/** The explicit URL if given, else the one in the simulator file; explains what to do when neither exists. */
export async function simulatorUrl(explicit: string | undefined, file = simulatorFile()): Promise<string> {
  if (explicit) return explicit.replace(/\/+$/, '');
  if (!existsSync(file)) {
    throw new Error(
      `No Meta simulator URL: pass --url http://127.0.0.1:PORT, or start the stack with \`npm start\` (it writes ${path.relative(process.cwd(), file)}).`,
    );
  }
  const content = JSON.parse(await readFile(file, 'utf8')) as Partial<SimulatorFile>;
  if (typeof content.url !== 'string')
    throw new Error(`${file} has no "url"; restart \`npm start\` or pass --url.`);
  return content.url;
}
