/**
 * Folding one large case, in memory: the event-at-a-time fold (`events.reduce(evolveCase)`, which copies the
 * case's obligations record at every obligation event) against `foldCaseEvents` (one copy per fold), which
 * every command, late-fact replay, re-evaluation and the compliance report use; and the late-fact replay
 * (`replayInBusinessTime`) over the case's facts. The case: a notification every 4 days, convened, held and
 * planned, as the decider records them. Prints medians; asserts nothing.
 *
 *   node -r ./test/support/ts-register.js bench/fold.ts [cycles]   (default 150 cycles: 1,502 events)
 */
import {
  type CaseCommand,
  type CaseEvent,
  evolveCase,
  foldCaseEvents,
  initialCaseState,
  isFactEvent,
  replayInBusinessTime,
} from '@fristvagt/domain';
import { cmd, context, history } from '@fristvagt/domain/test-support';
import { at, councilCycle, DAY } from './events';
import { median } from './stats';

const START = Date.parse('2024-02-01T09:00:00Z');

function largeCase(cycles: number): CaseEvent[] {
  const caseId = '0b7f3c52-4d0e-4b8e-9a51-2f7e1c9d6a10';
  const commands: CaseCommand[] = [
    cmd('OpenCase', { caseId, municipality: '101', birthDate: '2012-01-01', person: null }, at(START)),
  ];
  for (let i = 0; i < cycles; i++) {
    commands.push(...councilCycle(i, START + DAY + i * 4 * DAY));
  }
  return history(commands, '101');
}

function time(label: string, runs: number, fn: () => unknown): void {
  fn();
  fn();
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    fn();
    ms.push(performance.now() - started);
  }
  console.log(`${label}: median ${median(ms).toFixed(2)} ms over ${runs} runs`);
}

const cycles = Number(process.argv[2] ?? 150);
const events = largeCase(cycles);
const facts = events.filter(isFactEvent);
const obligations = Object.keys(foldCaseEvents(initialCaseState, events).obligations).length;
console.log(
  `${events.length} events, ${facts.length} facts, ${obligations} obligations; node ${process.version}`,
);
time('events.reduce(evolveCase)', 20, () => events.reduce(evolveCase, initialCaseState));
time('foldCaseEvents', 20, () => foldCaseEvents(initialCaseState, events));
const now = at(START + (cycles + 10) * 4 * DAY);
time('replayInBusinessTime (a late fact)', 5, () => replayInBusinessTime(facts, context(now, '101')));
