/**
 * Preloaded (`node -r`) into a service that startService runs in a process of its own: every HTTP server the
 * process starts is tapped like an in-process app's (cpr-scan.ts), and each response holding a CPR number is
 * appended, masked, as one JSON line to FRISTVAGT_TEST_CPR_FINDINGS for the test process to read.
 */
import { appendFileSync } from 'node:fs';
import { CprRecorder, recordEveryApp } from './cpr-scan';

const file = process.env.FRISTVAGT_TEST_CPR_FINDINGS;

if (file !== undefined && file !== '') {
  recordEveryApp(new CprRecorder((finding) => appendFileSync(file, `${JSON.stringify(finding)}\n`)));
}
