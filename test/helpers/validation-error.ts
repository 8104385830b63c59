import { ValidationError } from '../../src/model/index.js';

/** Runs `fn` and returns the ValidationError it throws; fails the test if it throws nothing or something else. */
export async function validationError(fn: () => unknown): Promise<ValidationError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}
