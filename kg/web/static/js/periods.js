// Periods as the store resolves them (ISO start and end dates) with the wording the article used.

// The years a claim's period covers, [first, last], or null when the period has no resolved date.
export function periodYears(claim) {
  const start = claim?.period_start || claim?.period_end; // "截至11月13日" resolves to its end only
  if (!start) return null;
  const first = Number(start.slice(0, 4));
  const last = Number((claim.period_end || start).slice(0, 4));
  return Number.isFinite(first) && Number.isFinite(last) ? [first, Math.max(first, last)] : null;
}

// "2023-01-01 至 2023-12-31" shortened to what the dates say: "2023年", "2023年3月", "2021–2023年".
export function resolvedText(claim) {
  const start = claim?.period_start;
  if (!start) return claim?.period_end ? `截至 ${claim.period_end}` : "";
  const end = claim.period_end || start;
  const [ys, ms, ds] = start.split("-");
  const [ye, me, de] = end.split("-");
  if ((!ms || ms === "01") && (!ds || ds === "01") && (!me || me === "12") && (!de || de === "31")) {
    return ys === ye ? `${ys}年` : `${ys}–${ye}年`;
  }
  if (start === end) return start;
  return `${start} 至 ${end}`;
}

// Does the claim's period overlap the years [from, to]? Claims without a date pass only when asked.
export function inYears(claim, from, to, undated = true) {
  const years = periodYears(claim);
  if (!years) return undated;
  return (from === null || years[1] >= from) && (to === null || years[0] <= to);
}

// The period cell: the resolved dates, the article's own words beside them when they differ.
export function periodParts(claim) {
  const resolved = resolvedText(claim);
  const written = claim?.period || "";
  return { resolved, written: written && written !== resolved ? written : "" };
}
