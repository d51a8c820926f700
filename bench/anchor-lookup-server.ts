// Anchor for the lookup benchmark: the same single-row query behind a bare node:http server
// with no framework, validation, auth or presentation — the floor dinhdanh's API is compared to.
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const port = Number(process.env.PORT);

createServer(async (request, response) => {
  const id = request.url?.split('/').pop() ?? '';
  const { rows } = await pool.query('SELECT * FROM registry.person WHERE id_number = $1', [id]);
  response.writeHead(rows.length ? 200 : 404, { 'content-type': 'application/json' });
  response.end(JSON.stringify(rows[0] ?? null));
}).listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
