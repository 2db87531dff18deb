/**
 * Values that are known at once or only later (`T | Promise<T>`): a hot path that can decide in
 * memory continues in the same pass instead of a trip through the microtask queue per step.
 */

/** `next(value)` now, or once `value` settles when it is a promise (not named `then`: a module exporting `then` is a thenable to `import()`). */
export function andThen<T, R>(value: T | Promise<T>, next: (value: T) => R | Promise<R>): R | Promise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** A rejected promise as undefined (for callers that leave the error to someone else). */
export function withoutRejection<T>(value: T | Promise<T>): T | undefined | Promise<T | undefined> {
  return value instanceof Promise ? value.catch(() => undefined) : value;
}
