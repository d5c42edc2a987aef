/**
 * Command-line options for every command: `--name value`, `--name=value` and
 * boolean flags; everything else is a positional. A query such as `-双随机`
 * (an exclusion) is a positional, not an option, so it needs no `--` before it.
 * An unknown option or a missing value is a `UsageError` with a Chinese
 * message; the entry point prints it with the usage and exits with status 2.
 */

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

export interface ParsedArgs {
  values: Record<string, string | string[] | boolean | undefined>;
  positionals: string[];
}

/**
 * ### Examples
 * parseCliArgs(['-双随机', '法治', '--year', '2024'], { year: { type: 'string', multiple: true } })
 * // => { values: { year: ['2024'] }, positionals: ['-双随机', '法治'] }
 */
export function parseCliArgs(argv: string[], spec: OptionSpec): ParsedArgs {
  const values: ParsedArgs['values'] = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a.length === 2) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const opt = spec[name];
    if (!opt) throw new UsageError(`未知参数：--${name}`);
    if (opt.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`参数 --${name} 不带值`);
      values[name] = true;
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = a.slice(eq + 1);
    else {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`参数 --${name} 需要一个值`);
    }
    if (opt.multiple) values[name] = [...((values[name] as string[] | undefined) ?? []), value];
    else values[name] = value;
  }
  return { values, positionals };
}
