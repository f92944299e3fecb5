import { ESLint, type Linter } from 'eslint';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import { expect } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Lints a planted module (one that does not exist) at `path` in the project with its own
 * eslint.config.js, boundary and restricted-import rules only (type-aware rules off: the planted
 * file is in no TypeScript program); returns `rule: message` for each violation.
 */
export function plantedLinter(): (path: string, text: string) => Promise<string[]> {
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfig: tseslint.configs.disableTypeChecked as Linter.Config,
    ruleFilter: ({ ruleId }) => ruleId.startsWith('boundaries/') || ruleId.includes('no-restricted-'),
  });
  return async (path, text) => {
    const [result] = await eslint.lintText(text, { filePath: `${ROOT}${path}` });
    expect(result!.fatalErrorCount).toBe(0);
    return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
  };
}
