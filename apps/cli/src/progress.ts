import cliProgress from 'cli-progress';

/** A progress bar on stderr with rate and ETA; silent when stderr is not a terminal unless forced. */
export function progressBar(label: string, total: number, unit = 'rows') {
  const bar = new cliProgress.SingleBar(
    {
      // Our own ETA: the library's says "0s" before the first row is done.
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate} ${unit}/s | ETA {eta_text}`,
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 5000,
      etaBuffer: 50,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(total, 0, { rate: 0, eta_text: '…' });
  return {
    update(done: number) {
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? done / seconds : 0;
      bar.update(done, { rate: Math.round(rate), eta_text: etaText(done, total, rate) });
    },
    stop() {
      bar.stop();
    },
  };
}

/** Time left at the current rate, "…" until there is a rate to go by. */
export function etaText(done: number, total: number, rate: number): string {
  if (done >= total) return '0s';
  if (done === 0 || rate <= 0) return '…';
  const seconds = Math.ceil((total - done) / rate);
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}
