import { In, ObjectLiteral, Repository } from 'typeorm';
import { afterCreated, Page, PageQueryDto, pageSize, toPage } from '../common/http/pagination.js';

/**
 * A page of a table in creation order, keyset-paginated on (created_at, id). The cursor carries the exact
 * (microsecond) creation time as text: a JS Date would truncate it and repeat or skip rows across pages.
 */
export async function pageByCreation<E extends ObjectLiteral & { id: string }, T>(
  repo: Repository<E>,
  q: PageQueryDto,
  map: (entity: E) => T,
): Promise<Page<T>> {
  const limit = pageSize(q);
  const params: unknown[] = [limit + 1];
  const after = afterCreated(q.cursor, '', 'asc', (v) => `$${params.push(v)}`);
  const where = after ? `WHERE ${after}` : '';
  const table = repo.metadata.tablePath;
  const keys: { id: string; k: string }[] = await repo.manager.query(
    `SELECT id, created_at::text AS k FROM ${table} ${where} ORDER BY created_at, id LIMIT $1`,
    params,
  );
  const entities = keys.length ? await repo.findBy({ id: In(keys.map((k) => k.id)) } as never) : [];
  const byId = new Map(entities.map((e) => [e.id, e]));
  return toPage(keys, limit, (k) => map(byId.get(k.id)!), (k) => [k.k, k.id]);
}
