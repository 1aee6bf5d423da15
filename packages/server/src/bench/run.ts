import { parseArgs } from 'node:util';
import { appendReport } from './report.js';
import { sendThroughput } from './send-throughput.js';

/**
 * `npm run bench [-- --pairs 50 --window 64 --seconds 10 --synchronous FULL]`
 * Runs the benchmarks and appends their results to BENCHMARKS.md.
 */
const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '50' },
    window: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '10' },
    synchronous: { type: 'string', default: 'FULL' },
  },
});
const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
const options = {
  pairs: Number(values.pairs),
  window: Number(values.window),
  seconds: Number(values.seconds),
  synchronous: values.synchronous === 'NORMAL' ? ('NORMAL' as const) : ('FULL' as const),
};
const body = await sendThroughput(options);
console.log(body);
appendReport('1:1 send throughput (issue 2)', command, body);
