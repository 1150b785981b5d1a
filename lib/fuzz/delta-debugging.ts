// ddmin (Zeller & Hildebrandt, "Simplifying and isolating failure-inducing input", 2002): the
// smallest sub-list (1-minimal) of `items` for which `fails` still holds. Bounded by a test count and
// a deadline; when either runs out it returns the smallest failing list found so far.
export interface DdminLimits {
  maxTests: number;
  deadline: number;
}

export async function ddmin<T>(items: readonly T[], fails: (candidate: T[]) => Promise<boolean>, limits: DdminLimits): Promise<{ result: T[]; tests: number; complete: boolean }> {
  let current = [...items];
  let n = 2;
  let tests = 0;
  const budgetLeft = () => tests < limits.maxTests && Date.now() < limits.deadline;
  while (current.length >= 2 && budgetLeft()) {
    const size = Math.ceil(current.length / n);
    const chunks: T[][] = [];
    for (let i = 0; i < current.length; i += size) chunks.push(current.slice(i, i + size));
    let reduced = false;
    // Try each chunk alone, then each complement.
    for (const candidate of [...chunks, ...chunks.map((_, i) => chunks.filter((__, j) => j !== i).flat())]) {
      if (!budgetLeft()) break;
      if (candidate.length === current.length || candidate.length === 0) continue;
      tests++;
      if (await fails(candidate)) {
        current = candidate;
        n = chunks.includes(candidate) ? 2 : Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (n >= current.length) return { result: current, tests, complete: true };
      n = Math.min(current.length, n * 2);
    }
  }
  return { result: current, tests, complete: current.length < 2 };
}
