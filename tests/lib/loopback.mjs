// Requests to the test stack from another loopback source address (127.0.0.2 and up). nginx sees
// that address as $remote_addr, so per-address limits (sign-in throttling, the verification rate
// limit) can be driven to their end without throttling the other tests, which come from 127.0.0.1.
import http from 'node:http';

import { baseUrl, sql } from './stack.mjs';

let nextHost = 2;

/** Returns a loopback address that no other caller in this process has been given. */
export function freshLoopbackAddress() {
  if (nextHost > 254) throw new Error('no loopback source addresses left in 127.0.0.0/24');
  const address = `127.0.0.${nextHost}`;
  nextHost += 1;
  return address;
}

/** Deletes the sign-in failures recorded for address, so reruns on one database start clean. */
export async function clearSignInFailures(address) {
  await sql(`DELETE FROM sign_in_failures WHERE address = '${address}'`);
}

/**
 * Sends one request from localAddress and returns {status, headers, setCookies, text, json}.
 * json is serialised with Content-Type application/json; body is sent as it is.
 */
export function requestFrom(localAddress, { method = 'GET', path, headers = {}, json, body }) {
  const url = new URL(baseUrl);
  const sent = { ...headers };
  let payload = body;
  if (json !== undefined) {
    payload = JSON.stringify(json);
    sent['Content-Type'] = 'application/json';
  }
  if (payload !== undefined) sent['Content-Length'] = Buffer.byteLength(payload);
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: url.hostname,
      port: url.port || 80,
      localAddress,
      method,
      path,
      headers: sent,
      agent: false,
    });
    request.on('response', (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed = null;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = null;
        }
        const setCookie = response.headers['set-cookie'] || [];
        resolve({ status: response.statusCode, headers: response.headers, setCookies: setCookie, text, json: parsed });
      });
    });
    request.on('error', reject);
    if (payload !== undefined) request.write(payload);
    request.end();
  });
}
