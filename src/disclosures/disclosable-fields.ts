/** The fields disclosed: those asked for (default: all) that the purpose's dataCategories allow, in the purpose's order. */
export function disclosableFields(dataCategories: string[], requested: string[] | undefined): string[] {
  if (!requested) return [...dataCategories];
  const asked = new Set(requested);
  return dataCategories.filter((f) => asked.has(f));
}
