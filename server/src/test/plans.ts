/** A node of `EXPLAIN (ANALYZE, FORMAT JSON)` output. */
export interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

/** The root node of the first row an `EXPLAIN (ANALYZE, FORMAT JSON)` query returned. */
export const planOf = (rows: Record<string, unknown>[]): PlanNode =>
  (rows[0]!['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan;

/** The nodes that read `relation`, anywhere in the plan (how the rest is joined is the planner's choice). */
export function nodesReading(plan: PlanNode, relation: string): PlanNode[] {
  const own = plan['Relation Name'] === relation ? [plan] : [];
  return [...own, ...(plan.Plans ?? []).flatMap((p) => nodesReading(p, relation))];
}

/** Rows of `relation` the plan read, kept or filtered out. */
export const rowsRead = (plan: PlanNode, relation: string): number =>
  nodesReading(plan, relation).reduce(
    (n, node) => n + node['Actual Rows'] * node['Actual Loops'] + (node['Rows Removed by Filter'] ?? 0),
    0,
  );
