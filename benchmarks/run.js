// npm run bench: every core benchmark in turn, each printing medians of several runs.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

for (const [file, args] of [['core.js', ['100', '5', '3']], ['sessions.js', ['3']], ['api-v3.js', []]]) {
  console.log(`\n## ${file} ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [fileURLToPath(new URL(file, import.meta.url)), ...args], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
