// Connects to lab endpoints with Node.js's https module. Reads
// {"root", "targets": [{"host", "ip", "port", "timeout"}]} on standard input
// and writes one {"works", "message"} per target, in order, as a JSON list.
// Each request's lookup returns the target's address for the lab name, so
// Node sees the name as it would from DNS (SNI and the name checked).
'use strict';
const https = require('https');
const fs = require('fs');

const OK_BODY = 'tlsdoctor lab: ok';

function one(job, ca, timeout) {
  return new Promise((resolve) => {
    let done = false;
    const finish = (r) => { if (!done) { done = true; resolve(r); } };
    const lookup = (hostname, options, cb) => {
      if (hostname !== job.host) {
        cb(Object.assign(new Error('getaddrinfo ENOTFOUND ' + hostname), { code: 'ENOTFOUND' }));
      } else if (options && options.all) {
        cb(null, [{ address: job.ip, family: 4 }]);
      } else {
        cb(null, job.ip, 4);
      }
    };
    const req = https.get({ host: job.host, port: job.port, path: '/', ca, lookup, agent: false, timeout: timeout * 1000 }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (d) => { if (body.length < 1 << 20) body += d; });
      res.on('end', () => {
        if (res.statusCode === 200 && body.includes(OK_BODY)) finish({ works: true });
        else finish({ works: false, message: '(HTTP ' + res.statusCode + ')', own: false });
      });
      res.on('error', (e) => finish(failure(e)));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('the harness\'s request time-out'), { harness: true })));
    req.on('error', (e) => finish(failure(e)));
  });
}

// failure is the line an application logs for the error: its string form,
// and its code when it has one.
function failure(e) {
  if (e.harness) return { works: false, message: '(no result within the time-out)', own: false };
  let m = String(e).trim();
  if (e.code && !m.includes(e.code)) m += ' (code ' + e.code + ')';
  return { works: false, message: m, own: true };
}

async function main() {
  const req = JSON.parse(fs.readFileSync(0, 'utf8'));
  const ca = fs.readFileSync(req.root);
  const out = new Array(req.targets.length);
  let next = 0;
  async function worker() {
    while (next < req.targets.length) {
      const i = next++;
      out[i] = await one(req.targets[i], ca, req.targets[i].timeout);
    }
  }
  await Promise.all([worker(), worker(), worker(), worker()]);
  process.stdout.write(JSON.stringify(out));
}

main();
