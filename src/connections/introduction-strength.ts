import type { ConnectionKind } from './dto/connection.dto.js';

/**
 * The strength rule of warm introductions (API.md, "Warm introductions"). A chain is as strong as its weakest
 * link: a staff–contact link is 1.0 when they last met within DORMANT_DAYS (a meeting dated in the future counts
 * as recent) and 0.5 when earlier; a contact–contact link is 1.0 for `colleague` and `reports_to`, 0.5 for `knows`
 * and `introduced_by`. Ties: the shorter chain first, then the more recent staff interaction.
 *
 * The query (introductions.query.ts) computes the same in SQL from the fragments below; these functions state the
 * rule once and are unit-tested.
 */
export const STRONG = 1.0;
export const WEAK = 0.5;
export const STRONG_KINDS: readonly ConnectionKind[] = ['colleague', 'reports_to'];

export function contactLinkStrength(kind: ConnectionKind): number {
  return STRONG_KINDS.includes(kind) ? STRONG : WEAK;
}

export function staffLinkStrength(lastMetAt: Date, now: Date, dormantDays: number): number {
  return now.getTime() - lastMetAt.getTime() <= dormantDays * 86_400_000 ? STRONG : WEAK;
}

/** The weakest link's strength (a chain has at least its staff–contact link). */
export function chainStrength(links: number[]): number {
  return Math.min(...links);
}

export interface RankedChain {
  strength: number;
  hops: number;
  lastInteractionAt: Date;
}

/** Strongest first; then shorter; then the more recent staff interaction. */
export function compareChains(a: RankedChain, b: RankedChain): number {
  return b.strength - a.strength || a.hops - b.hops || b.lastInteractionAt.getTime() - a.lastInteractionAt.getTime();
}

/** SQL: a contact–contact link's strength (`kind` names the connection's kind column). */
export const contactLinkStrengthSql = (kind: string) =>
  `(CASE WHEN ${kind} IN (${STRONG_KINDS.map((k) => `'${k}'`).join(', ')}) THEN ${STRONG.toFixed(1)} ELSE ${WEAK.toFixed(1)} END)`;

/** SQL: a staff–contact link's strength (`last` a timestamptz, `days` a parameter holding DORMANT_DAYS). */
export const staffLinkStrengthSql = (last: string, days: string) =>
  `(CASE WHEN ${last} >= now() - make_interval(days => ${days}) THEN ${STRONG.toFixed(1)} ELSE ${WEAK.toFixed(1)} END)`;
