// `npm run bench:messaging -w bench -- [--quick] [--repeat N]`: the messaging benchmark with its own options
// (the shared entry point, src/run.mjs, takes --quick only).
import { progress } from '../lib/report.mjs';
import { runMessagingBench } from './index.mjs';

const USAGE = `usage: npm run bench:messaging -w bench -- [--quick] [--repeat N] [--only FIGURES]

  --quick         smaller numbers for a smoke run
  --repeat N      run every figure N times, interleaved, and print the median round of each (default 1)
  --only FIGURES  only these figures and those under them, comma-separated: sends,
                  sends.postgres, sends.pglite.oneGroup, delivery, delivery.100, directLoad, retransmit`;

const FIGURE_KEYS =
  /^(sends(\.(postgres|pglite)(\.(oneGroup|fourGroups|directs))?)?|delivery(\.\d+)?|directLoad|retransmit)$/;

function parse(args) {
  const opts = { quick: false, repeat: 1, only: undefined };
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--quick') opts.quick = true;
    else if (args[i] === '--repeat' || args[i].startsWith('--repeat=')) {
      const value = args[i].includes('=') ? args[i].split('=')[1] : args[++i];
      opts.repeat = Number(value);
      if (!Number.isInteger(opts.repeat) || opts.repeat < 1 || opts.repeat > 9)
        throw new Error(`--repeat takes a whole number from 1 to 9, got ${value}`);
    } else if (args[i] === '--only' || args[i].startsWith('--only=')) {
      const value = args[i].includes('=') ? args[i].split('=')[1] : args[++i];
      opts.only = String(value ?? '')
        .split(',')
        .filter(Boolean);
      const unknown = opts.only.filter((key) => !FIGURE_KEYS.test(key));
      if (opts.only.length === 0 || unknown.length > 0)
        throw new Error(`--only takes figure keys, got ${unknown.join(', ') || 'none'}`);
    } else throw new Error(`unknown option: ${args[i]}`);
  }
  return opts;
}

let opts;
try {
  opts = parse(process.argv.slice(2));
} catch (err) {
  console.error(`${err.message}\n\n${USAGE}`);
  process.exit(2);
}
try {
  // Exit explicitly: a straggling socket or timer must not keep a finished benchmark alive.
  process.exit(await runMessagingBench(opts));
} catch (err) {
  progress(`failed: ${err.stack ?? err}`);
  process.exit(1);
}
