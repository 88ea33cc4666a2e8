#!/usr/bin/env node
// Runs the ordering tests N times in a row and stops at the first failure:
//   npm run test:ordering -- --repeat 20
const { spawnSync } = require('node:child_process');

const args = process.argv.slice(2);
const at = args.indexOf('--repeat');
const runs = at >= 0 ? Number(args[at + 1]) : 1;
if (!Number.isInteger(runs) || runs < 1) {
  console.error('--repeat takes a positive whole number');
  process.exit(2);
}
const jest = [
  '--experimental-vm-modules',
  '--disable-warning=ExperimentalWarning',
  require('node:path').join(__dirname, '..', 'node_modules', 'jest', 'bin', 'jest.js'),
  '--selectProjects',
  'integration',
  '--testPathPatterns',
  'test/event-store/',
  '-t',
  'ordering',
];
let passed = 0;
for (let run = 1; run <= runs; run++) {
  const result = spawnSync(process.execPath, jest, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    console.log(`ordering: ${passed} passed, 1 failed (run ${run} of ${runs})`);
    process.exit(1);
  }
  passed++;
  console.log(`ordering run ${run}/${runs} passed`);
}
console.log(`ordering: ${passed} passed, 0 failed`);
