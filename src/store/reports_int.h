/* reports_int.h — what the store's two files of the citizen reports share (reports.c,
 * reports_wf.c). Nothing outside src/store/ includes this. */
#ifndef IOC_STORE_REPORTS_INT_H
#define IOC_STORE_REPORTS_INT_H

#include "store/store_int.h"

/* The columns of a request, as store_rep_fill_request maps them (the FROM clause included:
 * r the request, s its service, u its commune, a its agency). */
#define REP_REQUEST_COLUMNS                                                                        \
    "r.id, s.code, s.name_vi, r.description, r.lat, r.lon, r.address, coalesce(r.unit_id, 0), "    \
    "coalesce(u.code, ''), coalesce(a.code, ''), coalesce(a.name, ''), r.state, r.requested_ms, "  \
    "r.updated_ms, r.expected_ms, r.attributes, r.media_url, r.status_notes, r.email, r.phone, "   \
    "r.first_name, r.last_name, r.device_id, r.account_id, r.key_id, "                             \
    "coalesce(r.idempotency, ''), coalesce(r.agency_id, 0), coalesce(r.duplicate_of, 0), "         \
    "r.resolved_ms, r.rating, r.rating_comment, r.rated_ms FROM report_requests r "                \
    "JOIN report_services s ON s.id = r.service_id LEFT JOIN units u ON u.id = r.unit_id "         \
    "LEFT JOIN agencies a ON a.id = r.agency_id "

/* The open states (Open311 "open"), as an SQL list. */
#define REP_OPEN_STATES "('received','assigned','in_progress')"

/* Maps a row of REP_REQUEST_COLUMNS into a struct store_rep_request; frees one. */
int store_rep_fill_request(sqlite3_stmt *s, void *p);
void store_rep_clear_request(void *p);

#endif
