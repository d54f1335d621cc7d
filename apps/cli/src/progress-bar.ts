/** A one-line progress bar on stderr for model downloads; redraws at most every 100 ms. */
export function createProgressBar(label: string, stream: NodeJS.WriteStream = process.stderr): (done: number, total: number | undefined) => void {
  let lastDrawMs = 0;
  return (done, total) => {
    const now = Date.now();
    const isFinished = total !== undefined && done >= total;
    if (!isFinished && now - lastDrawMs < 100) return;
    lastDrawMs = now;
    const megabytes = (bytes: number) => (bytes / 1_048_576).toFixed(1);
    if (total === undefined || total === 0) {
      stream.write(`\r${label}: ${megabytes(done)} MB`);
    } else {
      const ratio = Math.min(1, done / total);
      const width = 30;
      const filled = Math.round(ratio * width);
      stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(ratio * 100).toFixed(0)}% ${megabytes(done)}/${megabytes(total)} MB`);
    }
    if (isFinished) stream.write('\n');
  };
}
