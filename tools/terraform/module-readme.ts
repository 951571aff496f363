import type { ModuleDir } from './model.ts';

function cell(value: unknown): string {
  const text =
    typeof value === 'string' ? value.replace(/^\$\{([\s\S]*)\}$/, '$1') : JSON.stringify(value);
  return text.replace(/\|/g, '\\|').replace(/\n\s*/g, ' ');
}

/** The Inputs and Outputs tables of a module README, generated from variables.tf and outputs.tf. */
export function renderInputsOutputs(dir: ModuleDir): string {
  const lines = [
    '## Inputs',
    '',
    '| Name | Description | Type | Default | Required |',
    '|---|---|---|---|---|',
  ];
  for (const [name, variable] of [...dir.variables].sort(([a], [b]) => a.localeCompare(b))) {
    const hasDefault = 'default' in variable.body;
    lines.push(
      `| \`${name}\` | ${cell(variable.body['description'] ?? '')} | \`${cell(variable.body['type'] ?? 'any')}\` | ` +
        `${hasDefault ? `\`${cell(variable.body['default'])}\`` : 'n/a'} | ${hasDefault ? 'no' : 'yes'} |`,
    );
  }
  lines.push('', '## Outputs', '', '| Name | Description |', '|---|---|');
  for (const [name, output] of [...dir.outputs].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`| \`${name}\` | ${cell(output.body['description'] ?? '')} |`);
  }
  return `${lines.join('\n')}\n`;
}
