/** A minimal unified-style line diff (longest common subsequence), enough for object-sized YAML. */
export function lineDiff(before: string, after: string, context = 3): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const lengths: number[][] = Array.from({ length: a.length + 1 }, () =>
    new Array<number>(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lengths[i]![j] =
        a[i] === b[j]
          ? lengths[i + 1]![j + 1]! + 1
          : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
  const ops: Array<{ sign: ' ' | '-' | '+'; line: string }> = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ sign: ' ', line: a[i++]! });
      j++;
    } else if (j < b.length && (i >= a.length || lengths[i]![j + 1]! > lengths[i + 1]![j]!))
      ops.push({ sign: '+', line: b[j++]! });
    else ops.push({ sign: '-', line: a[i++]! });
  }
  // Keep changed lines and `context` unchanged lines around them; mark skipped stretches.
  const keep = ops.map((op, index) =>
    ops.slice(Math.max(0, index - context), index + context + 1).some((near) => near.sign !== ' '),
  );
  const out: string[] = [];
  ops.forEach((op, index) => {
    if (keep[index]) out.push(`${op.sign}${op.line}`);
    else if (keep[index - 1] || index === 0) out.push('@@');
  });
  return out;
}
