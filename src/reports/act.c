/*
 * act.c — one act on a citizen report as one store job (rep_action_job, reports.h): staff's
 * transitions, notes and merges, the citizen's reopen and rating. The report is read inside
 * the writer's transaction and checked against workflow.c's rules; a refusal writes nothing and
 * says why (outcome, field, why, from → to); an act writes the new state, its events and the
 * audit row together.
 */
#include "reports/reports.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/base.h"

static int refuse(struct rep_action *a, int outcome, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int refuse(struct rep_action *a, int outcome, const char *field, const char *fmt, ...)
{
    a->outcome = outcome;
    snprintf(a->field, sizeof a->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->why, sizeof a->why, fmt, ap);
    va_end(ap);
    return 0;
}

static int event(struct store_conn *w, struct rep_action *a, int64_t id, const char *kind,
                 const char *from, const char *to, const char *note, int is_public,
                 const char *detail)
{
    struct store_rep_event e = {.request_id = id,
                                .ts_ms = a->now_ms,
                                .who = (char *)a->actor,
                                .kind = (char *)kind,
                                .from_state = (char *)from,
                                .to_state = (char *)to,
                                .note = (char *)(note ? note : ""),
                                .detail = (char *)(detail ? detail : ""),
                                .is_public = is_public};
    return store_rep_event_put(w, &e);
}

static int audit(struct store_conn *w, struct rep_action *a)
{
    return a->audit ? store_audit_add(w, a->audit) : 0;
}

/* The report kept by a merge or a transition to duplicate: another report the caller may act
 * on, not itself a duplicate. 0 (refused or not) or a store error. */
static int check_target(struct store_conn *w, struct rep_action *a, const char *field)
{
    if (a->duplicate_of <= 0)
        return refuse(a, REP_INVALID, field,
                      "A duplicate names the report it repeats (%s, its id).", field);
    if (a->duplicate_of == a->id)
        return refuse(a, REP_INVALID, field, "A report cannot be a duplicate of itself.");
    struct store_rep_request t;
    int rc = store_rep_request_get(w, a->duplicate_of, &t);
    if (rc == IOC_ENOTFOUND)
        return refuse(a, REP_INVALID, field, "No report has the id %lld.",
                      (long long)a->duplicate_of);
    if (rc)
        return rc;
    if (strcmp(t.state, "duplicate") == 0)
        refuse(a, REP_INVALID, field, "Report %lld is itself a duplicate of %lld; name that one.",
               (long long)t.id, (long long)t.duplicate_of);
    else if (rep_access(a->who, t.agency_id, 1) != 0)
        refuse(a, REP_FORBIDDEN, field, "You may not act on report %lld.", (long long)t.id);
    store_rep_request_clear(&t);
    return 0;
}

/* The agency of a reassignment: *agency_id (-1: unchanged), or a refusal. */
static int check_agency(struct store_conn *w, struct rep_action *a,
                        const struct store_rep_request *r, int64_t *agency_id)
{
    *agency_id = -1;
    if (a->agency && *a->agency) {
        int rc = store_rep_agency_id(w, a->agency, agency_id);
        if (rc == IOC_ENOTFOUND)
            return refuse(a, REP_INVALID, "agency", "No agency has the code %.64s.", a->agency);
        if (rc)
            return rc;
        if (*agency_id != r->agency_id && !rep_may_reassign(a->who))
            return refuse(a, REP_FORBIDDEN, "agency",
                          "Only operators and admins send a report to another agency.");
        if (strcmp(a->to, "assigned") != 0)
            return refuse(a, REP_INVALID, "agency",
                          "A report changes agency by going to assigned.");
    } else if (strcmp(a->to, "assigned") == 0 && r->agency_id <= 0) {
        return refuse(a, REP_INVALID, "agency",
                      "The report is in the triage queue: name the agency to assign it to.");
    }
    return 0;
}

static int transition(struct store_conn *w, struct rep_action *a, struct store_rep_request *r)
{
    if (!rep_state_valid(a->to))
        return refuse(a, REP_INVALID, "to", "to is one of the states (docs/reports.md).");
    if (!rep_transition_allowed(r->state, a->to))
        return refuse(a, REP_CONFLICT, "to", "A report cannot go from %s to %s.", r->state, a->to);
    if (strcmp(a->to, "rejected") == 0 && (!a->note || !*a->note))
        return refuse(a, REP_INVALID, "note", "A rejection gives its reason in note.");
    int rc;
    int is_dup = strcmp(a->to, "duplicate") == 0;
    if (is_dup && ((rc = check_target(w, a, "duplicate_of")) != 0 || a->outcome))
        return rc;
    int64_t agency = -1;
    if ((rc = check_agency(w, a, r, &agency)) != 0 || a->outcome)
        return rc;
    int moved = agency >= 0 && agency != r->agency_id;
    a->changed = 1;
    a->agency_id = moved ? agency : r->agency_id;
    snprintf(a->agency_code, sizeof a->agency_code, "%s", moved ? a->agency : r->agency_code);
    rc = store_rep_state_set(w, r->id, a->to, moved ? agency : -1, is_dup ? a->duplicate_of : -1,
                             rep_state_is_answer(a->to) ? a->now_ms : 0, a->now_ms);
    char detail[160] = "";
    if (moved)
        snprintf(detail, sizeof detail, "%.64s>%.64s", r->agency_code[0] ? r->agency_code : "-",
                 a->agency);
    else if (is_dup)
        snprintf(detail, sizeof detail, "into:%lld", (long long)a->duplicate_of);
    if (rc == 0)
        rc = event(w, a, r->id,
                   moved    ? "reassign"
                   : is_dup ? "merge"
                            : "transition",
                   r->state, a->to, a->note, a->is_public, detail);
    if (rc == 0 && is_dup) {
        snprintf(detail, sizeof detail, "from:%lld", (long long)r->id);
        rc = event(w, a, a->duplicate_of, "merge", "", "", "", 0, detail);
    }
    return rc;
}

static int citizen_token(struct store_conn *w, struct rep_action *a, const char *field)
{
    int64_t id = 0;
    int rc = a->token_hash ? store_rep_token_find(w, a->token_hash, &id) : IOC_ENOTFOUND;
    if (rc && rc != IOC_ENOTFOUND)
        return rc;
    if (rc || id != a->id)
        return refuse(a, REP_FORBIDDEN, field,
                      "The token is not the one given for this request at submission.");
    return 0;
}

static int reopen(struct store_conn *w, struct rep_action *a, struct store_rep_request *r)
{
    int rc = citizen_token(w, a, "token");
    if (rc || a->outcome)
        return rc;
    int why = rep_reopen_check(r->state, r->resolved_ms, a->now_ms, a->reopen_days);
    if (why == REP_REOPEN_STATE)
        return refuse(a, REP_CONFLICT, "service_request_id",
                      "Only a resolved or closed request can be reopened; this one is %s.",
                      r->state);
    if (why)
        return refuse(a, REP_CONFLICT, "service_request_id",
                      "A request can be reopened within %lld days of its answer; that time has "
                      "passed.",
                      (long long)a->reopen_days);
    const char *to = rep_reopen_state(r->agency_id);
    snprintf(a->state, sizeof a->state, "%s", to);
    a->changed = 1;
    rc = store_rep_state_set(w, r->id, to, -1, -1, 0, a->now_ms);
    return rc ? rc : event(w, a, r->id, "reopen", r->state, to, a->note, 1, "");
}

static int rate(struct store_conn *w, struct rep_action *a, struct store_rep_request *r)
{
    int rc = citizen_token(w, a, "token");
    if (rc || a->outcome)
        return rc;
    switch (rep_rating_check(r->state, r->rating, a->rating, a->comment)) {
    case REP_RATE_STATE:
        return refuse(a, REP_CONFLICT, "service_request_id",
                      "A request is rated once it has an answer; this one is %s.", r->state);
    case REP_RATE_AGAIN:
        return refuse(a, REP_CONFLICT, "rating", "This request was rated already.");
    case REP_RATE_VALUE:
        return refuse(a, REP_INVALID, a->rating < 1 || a->rating > 5 ? "rating" : "comment",
                      "rating is 1 to 5; comment at most %d characters.", REP_COMMENT_MAX);
    default:
        break;
    }
    rc = store_rep_rating_set(w, r->id, a->rating, a->comment, a->now_ms);
    if (rc == IOC_EEXIST)
        return refuse(a, REP_CONFLICT, "rating", "This request was rated already.");
    char detail[8];
    snprintf(detail, sizeof detail, "%lld", (long long)a->rating);
    return rc ? rc : event(w, a, r->id, "rating", r->state, r->state, "", 0, detail);
}

static int act(struct store_conn *w, struct rep_action *a, struct store_rep_request *r)
{
    snprintf(a->from, sizeof a->from, "%s", r->state);
    snprintf(a->state, sizeof a->state, "%s", r->state);
    a->agency_id = r->agency_id;
    snprintf(a->agency_code, sizeof a->agency_code, "%s", r->agency_code ? r->agency_code : "");
    snprintf(a->service_code, sizeof a->service_code, "%s", r->service_code);
    snprintf(a->unit_code, sizeof a->unit_code, "%s", r->unit_code ? r->unit_code : "");
    if (a->act == REP_ACT_REOPEN)
        return reopen(w, a, r);
    if (a->act == REP_ACT_RATE)
        return rate(w, a, r);
    int rc = rep_access(a->who, r->agency_id, 1);
    if (rc)
        return refuse(a, REP_FORBIDDEN, "", "You may not act on report %lld.", (long long)r->id);
    if (a->note && rep_chars(a->note) > REP_NOTE_MAX)
        return refuse(a, REP_INVALID, "note", "A note has at most %d characters.", REP_NOTE_MAX);
    if (a->act == REP_ACT_NOTE) {
        if (!a->note || !*a->note)
            return refuse(a, REP_INVALID, "note", "note is required.");
        return event(w, a, r->id, "note", r->state, r->state, a->note, a->is_public, "");
    }
    if (a->act == REP_ACT_MERGE)
        a->to = "duplicate";
    rc = transition(w, a, r);
    if (rc == 0 && !a->outcome)
        snprintf(a->state, sizeof a->state, "%s", a->to);
    return rc;
}

/* The act's `report` event handed to a->in_tx inside the transaction. */
static int change_in_tx(struct store_conn *w, struct rep_action *a)
{
    struct rep_change ch;
    rep_action_change(a, &ch);
    struct ioc_buf b;
    ioc_buf_init(&b, 16384);
    rep_change_json(&ch, &b);
    int rc = b.data ? a->in_tx(a->in_tx_ctx, w, "report", a->agency_id, b.data, b.len) : IOC_ENOMEM;
    ioc_buf_free(&b);
    return rc;
}

int rep_action_job(struct store_conn *w, void *arg)
{
    struct rep_action *a = arg;
    a->outcome = REP_OK;
    a->changed = 0;
    a->field[0] = a->why[0] = a->from[0] = a->state[0] = '\0';
    struct store_rep_request r;
    int rc = store_rep_request_get(w, a->id, &r);
    if (rc == IOC_ENOTFOUND)
        return refuse(a, REP_NOT_FOUND, "id", "No report has the id %lld.", (long long)a->id);
    if (rc)
        return rc;
    rc = act(w, a, &r);
    store_rep_request_clear(&r);
    if (rc == 0 && a->outcome == REP_OK)
        rc = audit(w, a);
    if (rc == 0 && a->outcome == REP_OK && a->changed && a->in_tx)
        rc = change_in_tx(w, a);
    if (rc || a->outcome != REP_OK)
        a->changed = 0; /* nothing was written */
    return rc;
}
