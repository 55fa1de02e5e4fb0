import { Histogram, Registry } from 'prom-client';

import { SeriesHistogram } from './series-histogram';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const LABELS = ['method', 'route', 'status'] as const;

/** Both histograms, each in a registry of its own, fed the same observations. */
function pair() {
  const ours = new Registry();
  const theirs = new Registry();
  const config = { name: 'http_request_duration_seconds', help: 'by route', labelNames: LABELS, buckets: BUCKETS };
  return {
    ours,
    theirs,
    series: new SeriesHistogram({ ...config, registers: [ours] }),
    reference: new Histogram({ ...config, registers: [theirs] }),
  };
}

/** A small deterministic generator, so that a failure can be replayed. */
function* observations(count: number): Generator<[string, string, string, number]> {
  let x = 7;
  const next = () => (x = (x * 48271) % 2147483647) / 2147483647;
  const routes = ['/api/v1/disclosures', '/api/v1/regions/:code', 'unmatched', '/a "quoted"\\path', '/新\n行'];
  for (let i = 0; i < count; i++) {
    const value = next() < 0.2 ? BUCKETS[Math.floor(next() * BUCKETS.length)] : next() ** 3 * 4;
    yield [
      next() < 0.7 ? 'GET' : 'POST',
      routes[Math.floor(next() * routes.length)],
      String(200 + Math.floor(next() * 3) * 100),
      value,
    ];
  }
}

describe('SeriesHistogram', () => {
  it('reports what prom-client’s Histogram reports for the same observations, values on bucket bounds included', async () => {
    const { ours, theirs, series, reference } = pair();
    for (const [method, route, status, value] of observations(5000)) {
      series.series(`${method} ${status} ${route}`, () => [method, route, status]).observe(value);
      reference.labels(method, route, status).observe(value);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.getMetricsAsJSON()).toStrictEqual(await theirs.getMetricsAsJSON());
  });

  it('makes a series once per key, and reset empties it', async () => {
    const { ours, series } = pair();
    const labels = jest.fn(() => ['GET', '/x', '200']);
    series.series('k', labels).observe(0.002);
    series.series('k', labels).observe(3);
    expect(labels).toHaveBeenCalledTimes(1);
    const text = await ours.metrics();
    expect(text).toContain('http_request_duration_seconds_bucket{le="0.0025",method="GET",route="/x",status="200"} 1');
    expect(text).toContain('http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/x",status="200"} 2');
    expect(text).toContain('http_request_duration_seconds_count{method="GET",route="/x",status="200"} 2');
    series.reset();
    expect(await ours.metrics()).not.toContain('route="/x"');
  });
});
