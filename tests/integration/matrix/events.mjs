// Route × caller rows of the events module (src/api/h_events.c): every user (the stream shows
// each the events it may see) and the keys that carry read:events.
import { USERS, only } from '../matrix_lib.mjs';

const READERS = [...USERS, 'keyByAdmin', 'keyByStaff'];

export const rows = {
  'events.stream': { method: 'GET', path: () => '/api/v1/events?types=report,station', expect: only(READERS, 200) },
};
