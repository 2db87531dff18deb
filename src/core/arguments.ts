import { DomainError } from './errors';

/** An integer argument within `min..max`, else BAD_USER_INPUT naming the argument and its bounds. */
export function boundedArgument(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new DomainError('BAD_USER_INPUT', `${name} must be between ${min} and ${max}`, {
      argument: name,
      min,
      max,
    });
  return value;
}
