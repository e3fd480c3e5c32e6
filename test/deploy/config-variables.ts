import { loadConfig } from '../../shared/config';

/**
 * The names of the environment variables loadConfig reads, found by running it on an
 * environment that records every name looked up, rather than by a list kept by hand that could
 * drift from the code. Given `env`, the names read while validating that environment are
 * added too, so a variable read only when another one is set still counts.
 */
export function variablesLoadConfigReads(env: Record<string, string | undefined> = {}): Set<string> {
  const read = new Set<string>();
  const recording = (values: Record<string, string | undefined>) =>
    new Proxy(values, {
      get(target, name) {
        if (typeof name === 'string') read.add(name);
        return target[name as string];
      },
    });
  loadConfig(recording({}));
  try {
    loadConfig(recording({ ...env }));
  } catch {
    // Only the names matter here; whether the values are valid is checked elsewhere.
  }
  return read;
}
