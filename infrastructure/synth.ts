import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildApp } from './app';

/**
 * `npm run infra:synth`: synthesizes every stack (cdk-nag AwsSolutions checks run during synthesis
 * and fail it on any finding without a written suppression) and writes the CloudFormation templates
 * to infrastructure/templates/<env>/. `--check`: writes nothing and fails when the committed
 * templates differ from the synthesis (CI's drift check).
 */
const TEMPLATES = join(__dirname, 'templates');

export function synthesizeTemplates(): Map<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), 'insights-cdk-'));
  try {
    buildApp({ outdir }).synth();
    const out = new Map<string, string>();
    for (const file of readdirSync(outdir).filter((f) => f.endsWith('.template.json'))) {
      const stack = file.replace('.template.json', '');
      const env =
        /^github-insights-(.+)-(registry|network|database|cache|service)$/.exec(stack)?.[1] ?? 'other';
      out.set(join(env, file), readFileSync(join(outdir, file), 'utf8'));
    }
    return out;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function committed(): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(TEMPLATES)) return out;
  for (const env of readdirSync(TEMPLATES, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const file of readdirSync(join(TEMPLATES, env.name)))
      out.set(join(env.name, file), readFileSync(join(TEMPLATES, env.name, file), 'utf8'));
  }
  return out;
}

/** The template files that differ between the synthesis and what is committed. */
export function drift(): string[] {
  const fresh = synthesizeTemplates();
  const old = committed();
  const names = new Set([...fresh.keys(), ...old.keys()]);
  return [...names].filter((name) => fresh.get(name) !== old.get(name)).sort();
}

if (require.main === module) {
  if (process.argv.includes('--check')) {
    const changed = drift();
    if (changed.length > 0) {
      console.error(
        `infrastructure/templates drifted from the CDK app: ${changed.join(', ')}\nrun npm run infra:synth and commit`,
      );
      process.exit(1);
    }
    process.stdout.write('infrastructure/templates match the CDK app\n');
  } else {
    const fresh = synthesizeTemplates();
    rmSync(TEMPLATES, { recursive: true, force: true });
    for (const [name, text] of fresh) {
      const target = join(TEMPLATES, name);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
    }
    process.stdout.write(`wrote ${fresh.size} templates to infrastructure/templates/\n`);
  }
}
