// Query key roots shared by features, so a mutation in one page refreshes what another shows.
export const queryRoots = {
  dashboard: ['dashboard'] as const,
  clients: ['clients'] as const,
  keys: ['keys'] as const,
  providers: ['providers'] as const,
  prices: ['prices'] as const,
  templates: ['templates'] as const,
  usage: ['usage'] as const,
  logs: ['logs'] as const,
};
