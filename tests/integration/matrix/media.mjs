// Route × caller rows of the media module (src/api/h_media.c): the photos of citizen reports are
// public; a name that is no stored photo is 404 for everyone.
import { ALL } from '../matrix_lib.mjs';

export const rows = {
  'media.get': { method: 'GET', path: () => `/media/${'0'.repeat(64)}_thumb.jpg`, expect: ALL(404) },
};
