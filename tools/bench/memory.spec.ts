import { describe, expect, it } from 'vitest';
import { parseMemoryGauges } from './memory.ts';

describe('parseMemoryGauges', () => {
  it('reads the memory gauges of a prom-client exposition, labelled or not', () => {
    const exposition = [
      '# HELP process_resident_memory_bytes Resident memory size in bytes.',
      '# TYPE process_resident_memory_bytes gauge',
      'process_resident_memory_bytes{service="api"} 161755136',
      'nodejs_heap_size_total_bytes{service="api"} 76439552',
      'nodejs_heap_size_used_bytes 64175136',
      'nodejs_heap_space_size_used_bytes{space="old",service="api"} 48031848',
      'nodejs_external_memory_bytes{service="api"} 3884012',
    ].join('\n');
    expect(parseMemoryGauges(exposition)).toEqual({
      rss: 161_755_136,
      heapUsed: 64_175_136,
      heapTotal: 76_439_552,
      external: 3_884_012,
    });
  });

  it('does not take a longer metric that starts with the same name', () => {
    const gauges = parseMemoryGauges('nodejs_heap_size_used_bytes_total 5\n');
    expect(gauges.heapUsed).toBeNaN();
    expect(gauges.rss).toBeNaN();
  });
});
