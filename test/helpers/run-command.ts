import { Command, CommanderError } from 'commander';
import { vi } from 'vitest';
import { describeError } from '../../src/cli/errors.js';

/**
 * Runs one CLI command in-process against a database, capturing stdout and stderr and mapping an
 * error to the message and exit code a user would see (commander's usage errors exit with 2).
 */
export async function runCommand(
  register: (program: Command) => void,
  db: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = new Command().name('trustmap').option('--db <path>').exitOverride();
  register(program);
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    stdout += String(s);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  let code = 0;
  try {
    await program.parseAsync(['node', 'trustmap', '--db', db, ...args]);
  } catch (e) {
    if (e instanceof CommanderError) code = 2;
    else {
      const d = describeError(e);
      stderr += d.message;
      code = d.code;
    }
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { code, stdout, stderr };
}
