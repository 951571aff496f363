import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { zip } from './zip.ts';

// Read back by an independent implementation: Python's zipfile (CRCs checked by testzip).
const READ_BACK = `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as archive:
    bad = archive.testzip()
    print(json.dumps({
        "bad": bad,
        "entries": [
            {"name": info.filename, "size": info.file_size, "deflated": info.compress_type == zipfile.ZIP_DEFLATED,
             "mode": oct((info.external_attr >> 16) & 0o777), "sha": __import__("hashlib").sha256(archive.read(info)).hexdigest()}
            for info in archive.infolist()
        ],
    }))
`;

describe('zip (Lambda deployment packages)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fediflow-zip-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes archives that another implementation reads back byte for byte, deflated, -rw-r--r--', () => {
    const code = Buffer.from('exports.handler = async () => "ok";\n'.repeat(1_000));
    const noise = randomBytes(50_000);
    const path = join(dir, 'package.zip');
    writeFileSync(
      path,
      zip([
        { name: 'index.js', data: code },
        { name: 'lib/noise.bin', data: noise },
      ]),
    );
    const result = JSON.parse(
      execFileSync('python3', ['-c', READ_BACK, path], { encoding: 'utf8' }),
    ) as {
      bad: string | null;
      entries: { name: string; size: number; deflated: boolean; mode: string; sha: string }[];
    };
    const sha = (data: Buffer) =>
      execFileSync(
        'python3',
        ['-c', 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())'],
        {
          input: data,
          encoding: 'utf8',
        },
      ).trim();
    expect(result.bad).toBeNull();
    expect(result.entries).toEqual([
      { name: 'index.js', size: code.length, deflated: true, mode: '0o644', sha: sha(code) },
      { name: 'lib/noise.bin', size: noise.length, deflated: true, mode: '0o644', sha: sha(noise) },
    ]);
  });

  it('gives the same bytes for the same input (a stable source_code_hash)', () => {
    const entries = [{ name: 'index.js', data: Buffer.from('same') }];
    expect(zip(entries).equals(zip(entries))).toBe(true);
  });
});
