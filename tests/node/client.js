// client.js CONNECT-STRING [hold-ms]: connect with node-oracledb thin mode and
// print one JSON line: {"ok":true} or {"code":"NJS-518","message":"..."}.
// dcdlab listen speaks only the NS layer, so after ACCEPT the driver waits for
// a database answer that never comes: the session sits idle under DCD, which
// is what the tests look at. hold-ms bounds that wait.
'use strict';
const oracledb = require('oracledb');

const [connectString, holdMs = '3000'] = process.argv.slice(2);
const hold = Number(holdMs);

async function main() {
  const timer = setTimeout(() => {
    console.log(JSON.stringify({ held: true }));
    process.exit(0);
  }, hold);
  try {
    const conn = await oracledb.getConnection({ user: 'dcdlab', password: 'dcdlab', connectString });
    console.log(JSON.stringify({ ok: true }));
    await conn.close();
  } catch (e) {
    console.log(JSON.stringify({ code: e.code, message: e.message }));
  }
  clearTimeout(timer);
}
main();
