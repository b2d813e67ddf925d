// Route × caller rows of the webhooks module (src/api/h_webhooks.c).
// Admins only, no key (there is no scope for webhooks). The admin's create is the matrix
// server's first webhook (id 1), which get and ping then find; delete and retry name ids that
// do not exist, so the admin gets 404 (webhooks.test.mjs tests what they do).
import { only } from '../matrix_lib.mjs';

const ADMIN = ['admin'];
// port 9 (discard) on the loopback: nothing listens, the ping's delivery just fails
const hook = () => ({ url: 'http://127.0.0.1:9/matrix', events: ['*'] });

export const rows = {
  'webhooks.list': { method: 'GET', path: () => '/api/v1/webhooks', expect: only(ADMIN, 200) },
  'webhooks.create': { method: 'POST', path: () => '/api/v1/webhooks', body: hook, expect: only(ADMIN, 201) },
  'webhooks.deliveries': { method: 'GET', path: () => '/api/v1/webhooks/deliveries?state=dead', expect: only(ADMIN, 200) },
  'webhooks.retry': { method: 'POST', path: () => '/api/v1/webhooks/deliveries/999999/retry', expect: only(ADMIN, 404) },
  'webhooks.get': { method: 'GET', path: () => '/api/v1/webhooks/1', expect: only(ADMIN, 200) },
  'webhooks.delete': { method: 'DELETE', path: () => '/api/v1/webhooks/999999', expect: only(ADMIN, 404) },
  'webhooks.ping': { method: 'POST', path: () => '/api/v1/webhooks/1/ping', expect: only(ADMIN, 202) },
};
