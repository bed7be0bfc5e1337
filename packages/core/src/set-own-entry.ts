/**
 * `target[key] = value` that keeps a key named `__proto__` as an ordinary own
 * entry: plain assignment would call the prototype setter instead (dropping a
 * string, or swapping the prototype for an object). For records built from
 * keys a user or a program chose (env names, terraform map keys).
 */
export function setOwnEntry<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
