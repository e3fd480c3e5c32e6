/** A decision splits an order when more than one location ships part of it. */
export function isSplit(assignments: { location: string }[]): boolean {
  return new Set(assignments.map((assignment) => assignment.location)).size > 1;
}
