// Route × caller rows of the aqi module (src/api/h_aqi.c): the province publishes the AQI, so
// both routes are public; a station without readings answers its hours without an index.
import { ALL } from '../matrix_lib.mjs';

export const rows = {
  'aqi.latest': { method: 'GET', path: () => '/api/v1/aqi/latest', expect: ALL(200) },
  'aqi.hourly': { method: 'GET', path: () => '/api/v1/aqi/NO-SUCH/hourly', expect: ALL(200) },
  'aqi.daily': { method: 'GET', path: () => '/api/v1/aqi/NO-SUCH/daily', expect: ALL(200) },
};
