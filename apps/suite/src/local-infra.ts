import { SQL } from "bun";

export const LOCAL_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/diana";
export const LOCAL_REDIS_URL = "redis://127.0.0.1:6379";
/**
 * RabbitMQ's development account, which a stock broker accepts from loopback only. A real broker
 * gets `AMQP_URL` with its own credentials.
 */
export const LOCAL_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672";

/** Creates the database named in `url` when its server answers but the database does not exist yet. */
export async function ensureLocalDatabase(url: string, say: (line: string) => void): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name)) return;
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const sql = new SQL(admin.toString(), { max: 1 });
  try {
    const found = await sql`select 1 from pg_database where datname = ${name}`;
    if (found.length === 0) {
      await sql.unsafe(`create database "${name}"`);
      say(`created database ${name} on ${target.host}`);
    }
  } catch {
    // No rights on the maintenance database, or the server is down: connect() reports it with detail.
  } finally {
    await sql.close();
  }
}
