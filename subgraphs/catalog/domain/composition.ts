/**
 * Bundles, kits and multipacks are SKUs made of other SKUs. The catalog allows one level: a
 * component must be a simple SKU, and a SKU used as a component cannot itself become a bundle.
 * One level covers every bundle sellers list (a kit of parts, a 6-pack, a gift set) and rules out
 * cycles by construction, so availability is always one `min` over simple SKUs.
 */
export interface ComponentLine {
  sku: string;
  quantity: number;
}

export interface CompositionFacts {
  /** Codes of SKUs that exist. */
  known: ReadonlySet<string>;
  /** Codes of SKUs that have components themselves. */
  bundles: ReadonlySet<string>;
  /** True when the SKU being saved is a component of some bundle. */
  usedAsComponent: boolean;
}

export function compositionProblems(code: string, components: ComponentLine[], facts: CompositionFacts): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const line of components) {
    if (!Number.isInteger(line.quantity) || line.quantity < 1) {
      problems.push(`component ${line.sku}: quantity must be a whole number of at least 1, got ${line.quantity}`);
    }
    if (line.sku === code) problems.push(`a SKU cannot be a component of itself (${code})`);
    else if (!facts.known.has(line.sku)) problems.push(`component ${line.sku}: unknown SKU`);
    else if (facts.bundles.has(line.sku)) problems.push(`component ${line.sku} is itself a bundle; bundles cannot be nested`);
    if (seen.has(line.sku)) problems.push(`component ${line.sku} is listed twice`);
    seen.add(line.sku);
  }
  if (components.length > 0 && facts.usedAsComponent) {
    problems.push(`${code} is a component of another bundle, so it cannot have components itself`);
  }
  return problems;
}
