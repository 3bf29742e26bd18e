// Whether an industrial enterprise is an SME (中小微型企业), for the "SMEs on cloud" target. The rule of
// 工信部联企业〔2011〕300号 for industry: fewer than 1,000 employees OR revenue under 40,000万元. Revenue is
// known only as a band; every band below ¥400 m counts. Kept as data so a newer rule is an edit here.
export const SME_RULE = {
  maxEmployeesExclusive: 1000,
  revenueBandsUnder400m: ["lt5m", "5m-20m", "20m-100m", "100m-400m"] as readonly string[],
};

export function isSmeBySize(employees: number, revenueBand: string): boolean {
  return employees < SME_RULE.maxEmployeesExclusive || SME_RULE.revenueBandsUnder400m.includes(revenueBand);
}
