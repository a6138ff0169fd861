/** What the load processes share (imported, not forked: no IPC handlers here). */
const districts = ["石门村一组", "桃园村", "白沙村", "红旗村", "合成3村", "不知道哪里"];

/** The n-th report of a run: varied text and address, so routing goes to a village, a township's or the county's triage. */
export function intakeBody(n: number) {
  return {
    description: n % 2 ? "家里房子被洪水冲了，庄稼也没了" : "老人住院花了三万多，家里没钱了",
    applicantName: "压测人",
    phone: `1350000${String(n % 10000).padStart(4, "0")}`,
    address: districts[n % districts.length],
    consent: { personalInformation: true },
  };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Throughput and latency percentiles of one scenario's answered requests. */
export function summarise(latencies: number[], seconds: number) {
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
}
