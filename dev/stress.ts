// `npm run test:stress [-- --runs N]`: the proof that the suite is deterministic. Clones the
// committed HEAD into a fresh folder, runs the README's test command there (`npm ci && npm test`)
// with every core kept busy by a spinning process beside it, and does it N times (default 5) in a
// row. Stops at the first failure and keeps that clone for a look; prints each run's time.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a whole number of runs');

// The commit at the start: every run tests it, even if HEAD moves meanwhile.
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
const uncommitted = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).trim();
if (uncommitted) console.log('Note: uncommitted changes are not part of the runs; they test the commit.');

// Busy loops, one per core, for the whole series.
const spinners: ChildProcess[] = Array.from({ length: availableParallelism() }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
const stopSpinners = () => {
  for (const spinner of spinners) spinner.kill('SIGKILL');
};
process.on('exit', stopSpinners);
process.on('SIGINT', () => process.exit(130));

function run(command: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const results: { run: number; seconds: number; passed: boolean }[] = [];
for (let i = 1; i <= runs; i++) {
  const clone = await mkdtemp(path.join(tmpdir(), 'inbox-stress-'));
  console.log(
    `\n=== Run ${i} of ${runs}: commit ${commit}, fresh clone in ${clone}, ${spinners.length} cores busy ===\n`,
  );
  const started = performance.now();
  const code =
    (await run('git', ['clone', '--quiet', '--no-checkout', ROOT, clone], ROOT)) ||
    (await run('git', ['checkout', '--quiet', commit], clone)) ||
    (await run('sh', ['-c', 'npm ci && npm test'], clone));
  const seconds = (performance.now() - started) / 1000;
  results.push({ run: i, seconds, passed: code === 0 });
  if (code !== 0) {
    console.log(`\nRun ${i} failed (exit ${code}); its clone is kept in ${clone}.`);
    break;
  }
  await rm(clone, { recursive: true, force: true });
}

stopSpinners(); // they would keep this process alive
console.log(`\nStress runs of ${commit} with ${spinners.length} busy loops beside them:`);
for (const r of results)
  console.log(`  run ${r.run}  ${r.passed ? 'green' : 'FAILED'}  ${r.seconds.toFixed(0)} s`);
const green = results.filter((r) => r.passed).length;
console.log(`${green} of ${runs} green${green === runs ? '' : ` (stopped at run ${results.length})`}.`);
process.exitCode = green === runs ? 0 : 1;
