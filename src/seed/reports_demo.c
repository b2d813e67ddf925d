/*
 * reports_demo.c — synthetic citizen reports for the demo (docs/reports.md, "Demo reports"):
 * SEED_REP_COUNT reports over the last SEED_REP_DAYS days, at points drawn inside the communes
 * in force today (a point index of their outlines), routed as a POST would be (the commune's
 * override, else the service's agency, else the triage queue), in every state with the events
 * that led there (dated in the past), some overdue, some duplicates merged into a report a few
 * metres away, some open pairs nearby, some rated. A fixed seed makes the same reports from the
 * same stored services and communes; every description ends with "(dữ liệu mẫu)", the events'
 * author is "demo". Also the public citizen page's API key (write:reports only; meta
 * "citizen_key").
 */
#include "seed/seed.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "reports/reports.h"
#include "base/base.h"
#include "geo/geo.h"
#include "store/store.h"

#define SEED_REP_COUNT 320
#define SEED_REP_DAYS 120
#define SEED_REP_SEED 0x5eed18u
#define HOUR_MS ((int64_t)3600 * 1000)
#define DAY_MS (24 * HOUR_MS)

struct commune {
    int64_t id;
    char code[32];
    double bbox[4];
};

struct gen {
    struct store_conn *w;
    struct geo_index *ix;
    struct commune *c;
    size_t nc, cap;
    uint64_t rng;
    int64_t now;
};

static uint32_t rnd(struct gen *g)
{
    g->rng ^= g->rng << 13;
    g->rng ^= g->rng >> 7;
    g->rng ^= g->rng << 17;
    return (uint32_t)(g->rng >> 11);
}
static double rnd01(struct gen *g)
{
    return (double)(rnd(g) % 1000000u) / 1000000.0;
}

static int add_commune(void *ctx, const struct store_unit *u, const char *json, size_t len)
{
    struct gen *g = ctx;
    if (g->nc == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 128;
        struct commune *c = realloc(g->c, cap * sizeof *c);
        if (!c)
            return IOC_ENOMEM;
        g->c = c;
        g->cap = cap;
    }
    struct commune *c = &g->c[g->nc];
    c->id = u->id;
    snprintf(c->code, sizeof c->code, "%s", u->code);
    memcpy(c->bbox, u->bbox, sizeof c->bbox);
    int rc = geo_index_add(g->ix, u->id, 0, 0, INT32_MAX, json, len);
    if (rc == 0)
        g->nc++;
    return rc;
}

/* A point inside commune c (tries random points of its bounding box); 0 or IOC_ENOTFOUND. */
static int point_in(struct gen *g, const struct commune *c, double *lat, double *lon)
{
    for (int i = 0; i < 60; i++) {
        double x = c->bbox[0] + (c->bbox[2] - c->bbox[0]) * rnd01(g);
        double y = c->bbox[1] + (c->bbox[3] - c->bbox[1]) * rnd01(g);
        int64_t id = 0;
        if (geo_index_lookup(g->ix, x, y, 0, 0, &id) == 0 && id == c->id) {
            *lat = round(y * 1e6) / 1e6;
            *lon = round(x * 1e6) / 1e6;
            return 0;
        }
    }
    return IOC_ENOTFOUND;
}

static const char *const places[] = {
    "trước cổng trường tiểu học",
    "gần chợ",
    "đầu hẻm",
    "đoạn gần ngã tư",
    "trước nhà văn hoá khu phố",
    "cạnh trạm y tế",
    "gần cầu",
    "trên đường vào khu công nghiệp",
    "sau khu dân cư",
    "gần bến xe buýt",
};
static const char *const asks[] = {
    "Đề nghị cơ quan chức năng kiểm tra, xử lý.",
    "Người dân đi lại rất nguy hiểm.",
    "Tình trạng kéo dài nhiều ngày.",
    "Mong được khắc phục sớm.",
    "Đã phản ánh với tổ dân phố nhưng chưa được xử lý.",
};

/* Writes an event at ts; the note is public when pub. */
static int event(struct gen *g, int64_t id, int64_t ts, const char *kind, const char *from,
                 const char *to, const char *note, int pub, const char *detail)
{
    struct store_rep_event e = {.request_id = id,
                                .ts_ms = ts,
                                .who = (char *)(strcmp(kind, "rating") ? "demo" : "citizen"),
                                .kind = (char *)kind,
                                .from_state = (char *)from,
                                .to_state = (char *)to,
                                .note = (char *)note,
                                .detail = (char *)detail,
                                .is_public = pub};
    return store_rep_event_put(g->w, &e);
}

/* The target state of report i of age age_ms with a deadline of hours (0: none). */
static const char *pick_state(struct gen *g, int64_t age_ms, int64_t hours)
{
    uint32_t r = rnd(g) % 100;
    if (age_ms < 2 * DAY_MS)
        return r < 45 ? "received" : r < 75 ? "assigned" : r < 92 ? "in_progress" : "resolved";
    if (age_ms < 14 * DAY_MS) {
        /* some stay open past their deadline: overdue */
        if (r < 12)
            return "received";
        if (r < 27)
            return "assigned";
        if (r < 42)
            return "in_progress";
        return r < 80 ? "resolved" : r < 90 ? "rejected" : "closed";
    }
    (void)hours;
    if (r < 3)
        return "assigned";
    if (r < 6)
        return "in_progress";
    return r < 35 ? "resolved" : r < 43 ? "rejected" : "closed";
}

struct made {
    int64_t id;
    double lat, lon;
    int service;
    int64_t at;
};

/* Where and when a report is made: near base (10-40 m, after it) or at a point of a random
 * commune. 0 with *c set, 0 with *c NULL when the point fell outside (skip it), or an error. */
static int place(struct gen *g, const struct made *base, int dup, int64_t *t0, int64_t *age,
                 const struct commune **c, double *lat, double *lon)
{
    *age = (int64_t)(pow(rnd01(g), 1.6) * SEED_REP_DAYS * DAY_MS);
    *t0 = g->now - *age - (int64_t)(rnd(g) % 3600) * 1000;
    *c = NULL;
    if (!base) {
        const struct commune *k = &g->c[rnd(g) % g->nc];
        if (point_in(g, k, lat, lon) == 0)
            *c = k;
        return 0;
    }
    double d = 10 + rnd(g) % 30, a = rnd01(g) * 6.283185;
    *lat = round((base->lat + d * cos(a) / 111320.0) * 1e6) / 1e6;
    *lon = round((base->lon + d * sin(a) / (111320.0 * cos(base->lat * 0.0174533))) * 1e6) / 1e6;
    int64_t uid = 0;
    for (size_t k = 0; k < g->nc && !*c; k++)
        if (geo_index_lookup(g->ix, *lon, *lat, 0, 0, &uid) == 0 && g->c[k].id == uid)
            *c = &g->c[k];
    if (!*c)
        return 0;
    if (dup || base->at > *t0)
        *t0 = base->at + (int64_t)(1 + rnd(g) % 48) * HOUR_MS;
    if (*t0 > g->now - 60000)
        *t0 = g->now - 60000;
    *age = g->now - *t0;
    return 0;
}

/* Stores the report as a POST would (the commune's override, else the service's agency);
 * owner: the agency it goes to, or the commune's People's Committee for triage. */
static int add_request(struct gen *g, const struct store_rep_service *sv, const struct commune *c,
                       double lat, double lon, int64_t t0, int64_t *id, char *agency, size_t cap,
                       char *owner, size_t ocap)
{
    char *override = NULL;
    int rc = store_rep_override_get(g->w, sv->code, c->code, &override);
    if (rc)
        return rc;
    snprintf(agency, cap, "%s",
             override && *override ? override
             : sv->agency_code     ? sv->agency_code
                                   : "");
    free(override);
    if (*agency)
        snprintf(owner, ocap, "%s", agency);
    else
        snprintf(owner, ocap, "UBND-%s", c->code);
    char desc[600];
    snprintf(desc, sizeof desc, "%s %s. %s (dữ liệu mẫu)", sv->name_vi,
             places[rnd(g) % IOC_ARRAY_LEN(places)], asks[rnd(g) % IOC_ARRAY_LEN(asks)]);
    struct store_rep_request r = {.service_code = sv->code,
                                  .description = desc,
                                  .lat = lat,
                                  .lon = lon,
                                  .has_point = 1,
                                  .unit_id = c->id,
                                  .agency_code = agency,
                                  .state = "received",
                                  .requested_ms = t0,
                                  .updated_ms = t0,
                                  .expected_ms =
                                      sv->deadline_hours ? t0 + sv->deadline_hours * HOUR_MS : 0,
                                  .attributes = "{}",
                                  .device_id = "demo"};
    int existing = 0;
    rc = store_rep_request_add(g->w, &r, "demo", &existing);
    *id = r.id;
    return rc;
}

/* The time of a report's next event: 1 s to step after the last. */
struct clock {
    int64_t t, step;
};
static int64_t next(struct gen *g, struct clock *k)
{
    k->t += 1000 + (int64_t)(rnd(g) % (uint32_t)(k->step / 1000)) * 1000;
    return k->t;
}

/* Merges report id into base: duplicate, an event on both. */
static int merge(struct gen *g, int64_t id, const struct made *base, struct clock *k)
{
    char d1[40], d2[40];
    snprintf(d1, sizeof d1, "into:%lld", (long long)base->id);
    snprintf(d2, sizeof d2, "from:%lld", (long long)id);
    int64_t t = next(g, k);
    int rc = event(g, id, t, "merge", "received", "duplicate", "Trùng với phản ánh đã có.", 1, d1);
    if (rc == 0)
        rc = event(g, base->id, t, "merge", "", "", "", 0, d2);
    if (rc == 0)
        rc = store_rep_state_set(g->w, id, "duplicate", -1, base->id, t, t);
    return rc;
}

/* The citizen's rating of an answered report (40 % of them). */
static int rate(struct gen *g, int64_t id, int64_t t)
{
    static const char *const comments[] = {"Xử lý nhanh, cảm ơn.", "Đã sửa nhưng còn chậm.", "",
                                           "Rất hài lòng."};
    int64_t stars = 2 + rnd(g) % 4;
    t += HOUR_MS;
    if (t > g->now)
        t = g->now;
    const char *cm = comments[rnd(g) % IOC_ARRAY_LEN(comments)];
    int rc = store_rep_rating_set(g->w, id, stars, cm, t);
    char det[8];
    snprintf(det, sizeof det, "%lld", (long long)stars);
    return rc ? rc : event(g, id, t, "rating", "", "", cm, 0, det);
}

/* The events that bring report id from received to state, then its state row. */
static int history(struct gen *g, int64_t id, const char *state, const char *agency,
                   const char *owner, struct clock *k)
{
    const char *at = "received";
    int64_t agency_id = -1, resolved = 0;
    int rc = 0, wants_agency = strcmp(state, "received") != 0 && strcmp(state, "rejected") != 0;
    if (wants_agency && (rc = store_rep_agency_id(g->w, owner, &agency_id)) == 0) {
        char det[96];
        snprintf(det, sizeof det, ">%s", owner);
        rc = *agency ? event(g, id, next(g, k), "transition", at, "assigned",
                             "Chuyển đơn vị xử lý.", 0, "")
                     : event(g, id, next(g, k), "reassign", at, "assigned",
                             "Giao cho UBND xã, phường.", 0, det);
        at = "assigned";
    }
    if (rc == 0 && strcmp(state, "assigned") != 0 && wants_agency) {
        rc = event(g, id, next(g, k), "transition", at, "in_progress", "Đã cử cán bộ đến kiểm tra.",
                   1, "");
        at = "in_progress";
    }
    if (rc == 0 && (!strcmp(state, "resolved") || !strcmp(state, "closed"))) {
        resolved = next(g, k);
        rc = event(g, id, resolved, "transition", at, "resolved",
                   "Đã xử lý xong, cảm ơn người dân đã phản ánh.", 1, "");
        at = "resolved";
    }
    if (rc == 0 && !strcmp(state, "rejected")) {
        resolved = next(g, k);
        rc = event(g, id, resolved, "transition", at, "rejected",
                   "Không thuộc phạm vi xử lý: khu vực do doanh nghiệp quản lý.", 1, "");
        at = "rejected";
    }
    if (rc == 0 && !strcmp(state, "closed")) {
        rc = event(g, id, next(g, k), "transition", at, "closed", "", 0, "");
        at = "closed";
    }
    if (rc == 0 && strcmp(at, "received") != 0)
        rc = store_rep_state_set(g->w, id, at, agency_id, -1, resolved, k->t);
    if (rc == 0 && resolved && strcmp(at, "rejected") != 0 && rnd(g) % 100 < 40)
        rc = rate(g, id, k->t);
    return rc;
}

/* Stores one report and its history. base: a report it sits near (NULL: none); dup: merge it
 * into base. */
static int one(struct gen *g, const struct store_rep_service *sv, int si, const struct made *base,
               int dup, struct made *out)
{
    int64_t t0, age, id = 0;
    const struct commune *c;
    double lat = 0, lon = 0;
    int rc = place(g, base, dup, &t0, &age, &c, &lat, &lon);
    if (rc || !c)
        return rc;
    char agency[64], owner[80];
    rc = add_request(g, sv, c, lat, lon, t0, &id, agency, sizeof agency, owner, sizeof owner);
    if (rc)
        return rc;
    *out = (struct made){id, lat, lon, si, t0};
    struct clock k = {t0, age / 6 > 1000 ? age / 6 : 1000};
    if (dup)
        return merge(g, id, base, &k);
    return history(g, id, pick_state(g, age, sv->deadline_hours), agency, owner, &k);
}

/* The public citizen page's key (the rule: rep_citizen_key_job), of the province's office. */
static int citizen_key(struct store_conn *w)
{
    struct rep_citizen_key k = {.agency_code = "VP-UBND",
                                .name = "Trang phản ánh công khai /citizen (dữ liệu mẫu)",
                                .who = {.actor = "demo", .actor_role = "", .ip = "local"}};
    return rep_citizen_key_job(w, &k);
}

int seed_reports_demo_job(struct store_conn *w, void *arg)
{
    struct seed_reports_demo *j = arg;
    j->reports = 0;
    j->error[0] = '\0';
    int rc = citizen_key(w);
    if (rc) {
        snprintf(j->error, sizeof j->error, "citizen key: %s", ioc_strerror(rc));
        return rc;
    }
    struct gen g = {.w = w, .rng = SEED_REP_SEED, .now = j->now_ms ? j->now_ms : ioc_now_ms()};
    struct store_rep_service *sv = NULL;
    size_t ns = 0;
    char today[11];
    ioc_date_today_vn(today);
    if ((rc = geo_index_create(&g.ix)) != 0)
        return rc;
    rc = store_units_each_geometry(w, "commune", today, add_commune, &g);
    if (rc == 0)
        rc = geo_index_build(g.ix);
    if (rc == 0)
        rc = store_rep_services_list(w, &sv, &ns);
    if (rc == 0 && (ns == 0 || g.nc == 0))
        goto done;
    struct made *made = rc == 0 ? calloc(SEED_REP_COUNT, sizeof *made) : NULL;
    if (rc == 0 && !made)
        rc = IOC_ENOMEM;
    size_t nm = 0;
    for (int i = 0; rc == 0 && i < SEED_REP_COUNT; i++) {
        const struct made *base = NULL;
        int dup = 0, si = (int)(rnd(&g) % ns);
        if (nm > 10 && i % 23 == 0) { /* a duplicate, merged */
            base = &made[nm - 1 - rnd(&g) % 10];
            dup = 1;
        } else if (nm > 10 && i % 17 == 0) { /* a nearby pair, both kept */
            base = &made[nm - 1 - rnd(&g) % 10];
        }
        if (base)
            si = base->service;
        struct made m = {0};
        rc = one(&g, &sv[si], si, base, dup, &m);
        if (rc == 0 && m.id)
            made[nm++] = m;
    }
    free(made);
    j->reports = (int)nm;
done:
    store_rep_services_free(sv, ns);
    geo_index_destroy(g.ix);
    free(g.c);
    if (rc)
        snprintf(j->error, sizeof j->error, "demo reports: %s", ioc_strerror(rc));
    return rc;
}
