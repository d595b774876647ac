// Rows of an aggregate query (raw: true with computed attributes such as COUNT or MAX): Sequelize
// types them as model instances, so the caller names the plain shape it selected.
export async function aggregateRows<T>(query: Promise<unknown[]>): Promise<T[]> {
  return (await query) as T[];
}
