// The callers of the route × role matrix and the helpers its rows use to say what each caller
// gets. The rows live in tests/integration/matrix/<module>.mjs; matrix.test.mjs runs them.

let seq = 0;
export const uniq = (p) => `${p}-${process.pid}-${++seq}`;

// keyScoped: made by admin with some admin-only scopes; keyUnscoped: read:units only;
// keyByAdmin: made by admin with every scope; keyByStaff: made by staffA with every scope staff
// may grant. All four belong to SO-NNMT (staffA's agency).
export const CALLERS = ['anon', 'staffA', 'staffB', 'operator', 'leader', 'admin', 'keyScoped', 'keyUnscoped', 'keyByAdmin', 'keyByStaff'];
export const ALL_SCOPES = ['read:audit', 'read:agencies', 'write:agencies', 'read:units', 'write:units', 'read:telemetry', 'write:telemetry', 'read:reports', 'write:reports', 'read:indicators', 'write:indicators', 'read:datasets', 'read:events', 'read:alerts', 'write:alerts'];
export const ADMIN_ONLY = ['read:audit', 'write:agencies', 'write:units'];
export const STAFF_SCOPES = ALL_SCOPES.filter((s) => !ADMIN_ONLY.includes(s));
export const ALL = (s) => Object.fromEntries(CALLERS.map((k) => [k, s]));
export const USERS = ['staffA', 'staffB', 'operator', 'leader', 'admin'];
export const only = (allowed, okStatus, { keys = 403 } = {}) => Object.fromEntries(CALLERS.map((k) => [k,
  k === 'anon' ? 401 : allowed.includes(k) ? okStatus : k.startsWith('key') ? keys : 403]));
