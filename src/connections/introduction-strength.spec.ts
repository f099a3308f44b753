import { chainStrength, compareChains, contactLinkStrength, contactLinkStrengthSql, staffLinkStrength } from './introduction-strength.js';

describe('warm introductions: the strength rule', () => {
  const now = new Date('2026-06-30T12:00:00Z');
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);

  it('should rate colleague and reports_to links 1.0, knows and introduced_by 0.5', () => {
    expect(contactLinkStrength('colleague')).toBe(1);
    expect(contactLinkStrength('reports_to')).toBe(1);
    expect(contactLinkStrength('knows')).toBe(0.5);
    expect(contactLinkStrength('introduced_by')).toBe(0.5);
    expect(contactLinkStrengthSql('cc.kind')).toBe("(CASE WHEN cc.kind IN ('colleague', 'reports_to') THEN 1.0 ELSE 0.5 END)");
  });

  it('should rate a staff link 1.0 up to DORMANT_DAYS after the last meeting and 0.5 after', () => {
    expect(staffLinkStrength(daysAgo(0), now, 180)).toBe(1);
    expect(staffLinkStrength(daysAgo(180), now, 180)).toBe(1);
    expect(staffLinkStrength(daysAgo(180.01), now, 180)).toBe(0.5);
    expect(staffLinkStrength(daysAgo(400), now, 180)).toBe(0.5);
    expect(staffLinkStrength(daysAgo(-3), now, 180)).toBe(1); // planned, in the future
    expect(staffLinkStrength(daysAgo(20), now, 10)).toBe(0.5);
  });

  it('should make a chain as strong as its weakest link', () => {
    expect(chainStrength([1])).toBe(1);
    expect(chainStrength([1, 1, 0.5])).toBe(0.5);
    expect(chainStrength([0.5, 1])).toBe(0.5);
  });

  it('should order strongest first, then shorter, then the more recent staff interaction', () => {
    const chains = [
      { id: 'weak-short', strength: 0.5, hops: 1, lastInteractionAt: daysAgo(1) },
      { id: 'strong-long', strength: 1, hops: 3, lastInteractionAt: daysAgo(1) },
      { id: 'strong-short-old', strength: 1, hops: 2, lastInteractionAt: daysAgo(90) },
      { id: 'strong-short-new', strength: 1, hops: 2, lastInteractionAt: daysAgo(5) },
    ];
    expect(chains.sort(compareChains).map((c) => c.id)).toEqual(['strong-short-new', 'strong-short-old', 'strong-long', 'weak-short']);
  });
});
