/*
 * indvalues_demo.c — synthetic values of the demo indicators (docs/indicators.md, "Demo
 * values"): every indicator that is neither derived nor computed by the server from the
 * modules' data (seed_iv_computed: the VN_AQI figures) gets values for the last 36 months (12
 * quarters, 3 years; daily ones the last 60 days) up to the last complete period before the
 * demo's today, against the communes in force on each period's last day (today's 95 from
 * 2025-07-01, the 270 old communes of Đồng Nai and Bình Phước before), with a few district
 * figures of their own before 2025 and a few agencies left late.
 *
 * Deterministic: every number is a hash of (seed, indicator, unit, period), never of the clock
 * or of the order of generation, so the same seed and today give the same rows.
 */
#include "seed/seed.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "environment/environment.h"
#include "indicators/indicators.h"
#include "reports/reports.h"
#include "store/store.h"

#define NEW_FROM "2025-07-01"
#define OLD_LAST "2025-06-30"

const struct seed_late_agency seed_late_agencies[SEED_LATE_AGENCIES] = {
    {"SO-VHTTDL", 2},
    {"SO-TP", 1},
    {"TTR", 1},
};
/* The domains whose indicators get the whole 36 months, before 2025-07-01 against the old
 * communes; the others only the periods from 2025-07-01 on (today's communes): 4.1 million rows
 * took SQLite about 30 s of CPU here, these about half (docs/indicators.md, "Demo values"). */
static const char *const full_domains[] = {"CCHC", "KTTH", "YT", "GDDT", "MT", "DC"};
/* Recorded before 2025 also as the old districts' own figures (the sum of their communes). */
static const char *const district_codes[] = {"DC.DANSO_TB", "DC.SO_HO", "DC.TL_60"};

struct gen_unit {
    int64_t id;
    char code[24];
    uint64_t h;
    double weight; /* commune size, mean 1 over today's communes */
    int district;  /* index in g->districts of its parent, -1 none */
};

struct seed_iv_gen {
    uint64_t seed;
    int64_t today; /* the demo today's first instant */
    int64_t new_from;
    struct gen_unit *old_c, *new_c, *districts;
    size_t n_old, n_new, n_districts;
    struct store_indvalue *rows;
    size_t n_rows, cap;
    char (*ptext)[IND_PERIOD_TEXT_MAX];
    char (*at)[32];
    struct part *parts; /* numerators of the catalogue's derived shares (see find_parts) */
    size_t n_parts;
};

/* A derived share "K * A / B" of the catalogue: A is a part of B, about share of it. */
struct part {
    char a[IND_CODE_MAX + 1], b[IND_CODE_MAX + 1];
    double share;
};

/* ---- hashing ------------------------------------------------------------------------------ */

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return mix(h);
}

static double unif(uint64_t h) /* [0, 1) */
{
    return (double)(mix(h) >> 11) / 9007199254740992.0;
}

static double normal(uint64_t h)
{
    double u = unif(h) * 0.999999 + 1e-6, v = unif(h ^ 0x5bd1e995ULL);
    return sqrt(-2 * log(u)) * cos(2 * 3.14159265358979 * v);
}

/* ---- units -------------------------------------------------------------------------------- */

static int load_units(struct store_conn *c, const char *level, const char *at,
                      struct gen_unit **out, size_t *n, struct store_unit **raw)
{
    struct store_unit_query q = {.level = level, .at = at};
    size_t k = 0;
    int rc = store_units_find(c, &q, raw, &k);
    if (rc)
        return rc;
    *out = calloc(k ? k : 1, sizeof **out);
    if (!*out)
        return IOC_ENOMEM;
    for (size_t i = 0; i < k; i++) {
        (*out)[i].id = (*raw)[i].id;
        snprintf((*out)[i].code, sizeof(*out)[i].code, "%s", (*raw)[i].code);
        (*out)[i].h = hash_str((*raw)[i].code);
        (*out)[i].district = -1;
    }
    *n = k;
    return 0;
}

/* Today's communes: size from the area (square root, so a large rural commune is not ten times
 * a ward) and the kind (a ward is denser), with some noise; mean 1. */
static void new_weights(struct seed_iv_gen *g, const struct store_unit *raw)
{
    double area = 0, sum = 0;
    for (size_t i = 0; i < g->n_new; i++)
        area += raw[i].area_km2 > 0 ? raw[i].area_km2 : 50;
    area = g->n_new ? area / (double)g->n_new : 1;
    for (size_t i = 0; i < g->n_new; i++) {
        double a = raw[i].area_km2 > 0 ? raw[i].area_km2 : area;
        double ward = strcmp(raw[i].type, "Phường") == 0 ? 2.0 : 1.0;
        g->new_c[i].weight = sqrt(a / area) * ward * exp(0.25 * normal(g->new_c[i].h ^ g->seed));
        sum += g->new_c[i].weight;
    }
    for (size_t i = 0; i < g->n_new; i++)
        g->new_c[i].weight *= (double)g->n_new / sum;
}

static struct gen_unit *find_id(struct gen_unit *a, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].id == id)
            return &a[i];
    return NULL;
}

/* An old commune: its part of each new commune it went into (the new one's size shared among
 * its predecessors), so the old figures add up to about today's; 0.3 when it has no link. */
static int old_weights(struct store_conn *c, struct seed_iv_gen *g, const struct store_unit *raw)
{
    for (size_t i = 0; i < g->n_old; i++)
        g->old_c[i].weight = 0;
    for (size_t i = 0; i < g->n_new; i++) {
        struct store_succession *l = NULL;
        size_t nl = 0;
        int rc = store_unit_predecessors(c, g->new_c[i].id, &l, &nl);
        if (rc)
            return rc;
        for (size_t k = 0; k < nl; k++) {
            struct gen_unit *o = find_id(g->old_c, g->n_old, l[k].unit.id);
            if (o)
                o->weight += g->new_c[i].weight / (double)nl;
        }
        store_successions_free(l, nl);
    }
    for (size_t i = 0; i < g->n_old; i++) {
        if (g->old_c[i].weight <= 0)
            g->old_c[i].weight = 0.3;
        for (size_t d = 0; d < g->n_districts; d++)
            if (strcmp(raw[i].parent_code, g->districts[d].code) == 0)
                g->old_c[i].district = (int)d;
    }
    return 0;
}

static int by_id(const void *a, const void *b)
{
    int64_t x = ((const struct gen_unit *)a)->id, y = ((const struct gen_unit *)b)->id;
    return (x > y) - (x < y);
}

void seed_iv_close(struct seed_iv_gen *g)
{
    if (!g)
        return;
    free(g->old_c);
    free(g->new_c);
    free(g->districts);
    free(g->rows);
    free(g->ptext);
    free(g->at);
    free(g->parts);
    free(g);
}

/* The shares of the catalogue: each derived indicator whose expression names two codes (the
 * catalogue's "100 * A / B" percentages) makes A a part of B, about its target (or half) of
 * it, so that the derived value is believable (never 176 % online of the dossiers received). */
static int find_parts(struct store_conn *c, struct seed_iv_gen *g)
{
    struct store_indicator *all = NULL;
    size_t n = 0;
    struct store_ind_query q = {NULL, NULL, 0, 0};
    int rc = store_indicators_find(c, &q, &all, &n, NULL);
    if (rc == 0 && n && !(g->parts = calloc(n, sizeof *g->parts)))
        rc = IOC_ENOMEM;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const char *text = all[i].col[STORE_IND_EXPRESSION];
        struct ind_expr *e = NULL;
        if (!text[0] || ind_expr_parse(text, strlen(text), &e, NULL) != 0)
            continue;
        const char *unit = all[i].col[STORE_IND_UNIT], *tt = all[i].col[STORE_IND_TARGET];
        int share_unit = strcmp(unit, "%") == 0 || strcmp(unit, "‰") == 0;
        if (ind_expr_ref_count(e) == 2 && (share_unit || tt[0])) {
            struct part *pt = &g->parts[g->n_parts];
            const char *code;
            size_t len;
            ind_expr_ref(e, 0, &code, &len);
            snprintf(pt->a, sizeof pt->a, "%.*s", (int)len, code);
            ind_expr_ref(e, 1, &code, &len);
            snprintf(pt->b, sizeof pt->b, "%.*s", (int)len, code);
            double target = 0, scale = 100;
            const char *t = all[i].col[STORE_IND_TARGET], *sc = all[i].col[STORE_IND_SCALE];
            if (!t[0] || ioc_parse_f64(t, strlen(t), 0, 1e15, &target) != 0)
                target = 0;
            if (!sc[0] || ioc_parse_f64(sc, strlen(sc), 1, 1e15, &scale) != 0)
                scale = 100;
            pt->share = target > 0 && target / scale <= 1 ? target / scale : share_unit ? 0.5 : 0;
            if (pt->share > 0) /* a density or a mean size (persons per km², per household) is
                                  not a part of a whole */
                g->n_parts++;
        }
        ind_expr_free(e);
    }
    store_indicators_free(all, n);
    return rc;
}

static int open_units(struct store_conn *c, struct seed_iv_gen *g, const char *today)
{
    struct store_unit *rn = NULL, *ro = NULL, *rd = NULL;
    size_t nn = 0, no = 0, nd = 0;
    int rc = load_units(c, "commune", today, &g->new_c, &g->n_new, &rn);
    nn = g->n_new;
    if (rc == 0 && (rc = load_units(c, "commune", OLD_LAST, &g->old_c, &g->n_old, &ro)) == 0)
        no = g->n_old;
    if (rc == 0 &&
        (rc = load_units(c, "district", OLD_LAST, &g->districts, &g->n_districts, &rd)) == 0)
        nd = g->n_districts;
    if (rc == 0 && g->n_new == 0)
        rc = IOC_ENOTFOUND;
    if (rc == 0) {
        new_weights(g, rn);
        rc = old_weights(c, g, ro);
    }
    if (rc == 0) { /* rows in the order of the table's key: faster inserts */
        qsort(g->new_c, g->n_new, sizeof *g->new_c, by_id);
        qsort(g->old_c, g->n_old, sizeof *g->old_c, by_id);
    }
    store_units_free(rn, nn);
    store_units_free(ro, no);
    store_units_free(rd, nd);
    return rc;
}

int seed_iv_open(struct store_conn *c, const char *today, uint64_t seed, struct seed_iv_gen **out)
{
    struct ind_period d;
    if (!today || ind_period_parse(today, strlen(today), &d, NULL) != 0 || d.freq != IND_DAY)
        return IOC_EINVAL;
    struct seed_iv_gen *g = calloc(1, sizeof *g);
    if (!g)
        return IOC_ENOMEM;
    g->seed = seed;
    g->today = ind_period_start(d);
    struct ind_period nf;
    ind_period_parse(NEW_FROM, strlen(NEW_FROM), &nf, NULL);
    g->new_from = ind_period_start(nf);
    g->ptext = calloc(SEED_IV_MAX_PERIODS, sizeof *g->ptext);
    g->at = calloc(SEED_IV_MAX_PERIODS, sizeof *g->at);
    int rc = g->ptext && g->at ? open_units(c, g, today) : IOC_ENOMEM;
    if (rc == 0)
        rc = find_parts(c, g);
    if (rc) {
        seed_iv_close(g);
        return rc;
    }
    *out = g;
    return 0;
}

/* ---- numbers ------------------------------------------------------------------------------ */

/* What one indicator's numbers look like. */
struct shape {
    const struct ind_indicator *ind;
    uint64_t h;
    double ref;                /* the level around which a commune's value lies */
    int centred;               /* ref is a target (or green line): spread communes around it */
    double growth;             /* per year */
    double season;             /* amplitude over the months */
    int integer;               /* counts */
    int percent;               /* a share in % (0..100) */
    double den_mag;            /* ratio: the denominator of a commune of size 1 per period */
    const struct shape *whole; /* a part of this (struct part): its value a share of whole's */
    double share;
};

static int continuous_unit(const char *u)
{
    static const char *const list[] = {
        "tỷ đồng", "ha",  "tấn",  "km",  "m",   "giờ", "ngày", "%",  "‰",    "điểm", "AQI", "WQI",
        "MW",      "MWp", "Mbps", "bar", "dBA", "mm",  "m²",   "m³", "phút", "năm",  "TEU"};
    for (size_t i = 0; i < IOC_ARRAY_LEN(list); i++)
        if (strcmp(u, list[i]) == 0)
            return 1;
    return strchr(u, '/') || strncmp(u, "triệu ", 8) == 0 || strncmp(u, "nghìn ", 7) == 0 ||
           strncmp(u, "tỷ ", 4) == 0;
}

static double freq_mult(enum ind_freq f)
{
    return f == IND_DAY ? 1.0 / 30 : f == IND_QUARTER ? 3 : f == IND_YEAR ? 4 : 1;
}

static void shape_of(const struct seed_iv_gen *g, const struct store_indicator *x,
                     const struct ind_indicator *ind, struct shape *s)
{
    memset(s, 0, sizeof *s);
    const char *unit = x->col[STORE_IND_UNIT], *code = x->col[STORE_IND_CODE];
    s->ind = ind;
    s->h = hash_str(code) ^ g->seed;
    s->percent = strcmp(unit, "%") == 0;
    s->integer = !continuous_unit(unit);
    s->growth = -0.02 + 0.10 * unif(s->h + 1);
    s->season = ind->freq == IND_YEAR ? 0 : 0.15 * unif(s->h + 2);
    enum ind_agg a = ind->rule.agg;
    if (ind->has_target) {
        s->ref = ind->target, s->centred = 1;
    } else if (ind->thresholds.kind == IND_THRESHOLDS_ABSOLUTE) {
        s->ref = ind->thresholds.amber, s->centred = 1;
    } else if (s->percent) {
        s->ref = strstr(code, "_TD") || strstr(code, "TANG") ? 3 + 9 * unif(s->h + 3)
                                                             : 20 + 70 * unif(s->h + 3);
    } else if (a == IND_AGG_RATIO) {
        s->ref = ind->rule.scale >= 1000 ? 2 + 30 * unif(s->h + 3) : 1 + 99 * unif(s->h + 3);
    } else if (a == IND_AGG_SUM) {
        /* per commune of size 1 and month: tỷ đồng 10..3,000, triệu USD 1..300, others 3..300 */
        double lo = strcmp(unit, "tỷ đồng") == 0 ? 1 : strcmp(unit, "triệu USD") == 0 ? 0 : 0.5;
        double hi = strcmp(unit, "tỷ đồng") == 0 ? 3.5 : 2.5;
        s->ref = strncmp(code, "DC.DANSO", 8) == 0
                     ? 15000
                     : pow(10, lo + (hi - lo) * unif(s->h + 3)) * freq_mult(ind->freq);
    } else {
        s->ref = pow(10, 2 * unif(s->h + 3));
    }
    if (s->ref == 0)
        s->ref = 1; /* a target of 0 (no incidents): small numbers around it */
    double sc = ind->rule.scale;
    s->den_mag = sc >= 1000 ? 20000 : pow(10, 1.7 + 1.6 * unif(s->h + 4));
    s->den_mag *= freq_mult(ind->freq);
}

/* The value's level for a commune c in period p: the reference, the commune's offset from it
 * (so some communes stay red, some green), a trend, the season and noise. */
static double level(const struct seed_iv_gen *g, const struct shape *s, const struct gen_unit *c,
                    struct ind_period p)
{
    double years = (double)(ind_period_start(p) - g->today) / (365.25 * 86400);
    int month = 0;
    if (s->ind->freq != IND_YEAR) {
        struct ind_period m = p;
        int32_t months = 0;
        if (s->ind->freq == IND_QUARTER) /* its first month */
            ind_period_children(p, IND_MONTH, &m, &months);
        else
            ind_period_parent(p, IND_MONTH, &m);
        month = m.n % 12;
    }
    uint64_t hc = s->h ^ c->h;
    double season = 1 + s->season * sin(2 * 3.14159265358979 * (month - 3) / 12.0);
    double noise = 1 + 0.05 * normal(hc + (uint64_t)p.n * 7919);
    if (s->centred) {
        double off = (unif(hc) * 2 - 1) * 0.15; /* this commune: -15 % .. +15 % */
        double better = s->ind->polarity == IND_HIGHER ? 1 : -1;
        /* a sum's target is the province's: a commune holds its size's part of it */
        double part = s->ind->rule.agg == IND_AGG_SUM ? c->weight / (double)g->n_new : 1;
        return s->ref * part * (1 + off + better * 0.03 * years) * (1 + 0.6 * (noise - 1));
    }
    double trend = pow(1 + s->growth, years);
    double size = s->ind->rule.agg == IND_AGG_SUM ? c->weight : exp(0.2 * normal(hc));
    return s->ref * size * trend * season * noise;
}

/* scale·num/den exactly as the rules of a write compute it (ind_value_check). */
static double ratio_value(const struct ind_rule *r, double num, double den)
{
    struct ind_obs o = {.num = num, .den = den}, out = {0};
    return ind_aggregate(r, &o, 1, &out) == IND_OK ? out.value : 0;
}

static double rounded(double v, int integer)
{
    return integer ? floor(v + 0.5) : floor(v * 100 + 0.5) / 100;
}

/* ---- rows --------------------------------------------------------------------------------- */

static int push(struct seed_iv_gen *g, struct store_indvalue **out)
{
    if (g->n_rows == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 4096;
        struct store_indvalue *r = realloc(g->rows, cap * sizeof *r);
        if (!r)
            return IOC_ENOMEM;
        g->rows = r, g->cap = cap;
    }
    *out = &g->rows[g->n_rows++];
    memset(*out, 0, sizeof **out);
    return 0;
}

/* One commune's value in row r. */
static void fill(const struct seed_iv_gen *g, const struct shape *s, const struct gen_unit *c,
                 struct ind_period p, struct store_indvalue *r)
{
    double v = level(g, s, c, p);
    if (s->whole) { /* the share of the whole's value for the period holding p, spread over p's */
        struct ind_period pw, first;
        int32_t kids = 1;
        if (ind_period_parent(p, s->whole->ind->freq, &pw) == 0 &&
            ind_period_children(pw, p.freq, &first, &kids) == 0 && kids > 0) {
            double whole = rounded(level(g, s->whole, c, pw), s->whole->integer) / kids;
            double off = (unif(s->h ^ c->h) * 2 - 1) * 0.15;
            double share = s->share * (1 + off) * (1 + 0.03 * normal(s->h ^ c->h ^ (uint64_t)p.n));
            share = share < 0 ? 0 : share > 1 ? 1 : share;
            r->value = rounded(whole * share, s->integer);
            return;
        }
    }
    if (s->ind->rule.agg == IND_AGG_RATIO) {
        double sc = s->ind->rule.scale;
        double years = (double)(ind_period_start(p) - g->today) / (365.25 * 86400);
        double den = s->den_mag * c->weight * pow(1 + s->growth, years) *
                     (1 + 0.1 * normal(s->h ^ c->h ^ 77)) *
                     (1 + 0.04 * normal(s->h ^ c->h ^ ((uint64_t)p.n << 20)));
        den = rounded(den, 1);
        den = den < 1 ? 1 : den;
        if (s->percent && sc == 100 && v > 100)
            v = 100;
        double num = rounded((v < 0 ? 0 : v) / sc * den, 1);
        r->has_ratio = 1, r->num = num, r->den = den,
        r->value = ratio_value(&s->ind->rule, num, den);
        return;
    }
    if (s->percent && s->ref <= 100) /* a share; an index (CPI 104 %) may pass 100 */
        v = v > 100 ? 100 : v;
    v = rounded(v < 0 && !s->centred ? 0 : v, s->integer);
    r->value = v;
}

/* When the agency sent period i: between the period's end and its deadline (before it), never
 * after the demo's today. */
static void submitted(const struct seed_iv_gen *g, const struct store_indicator *x,
                      const struct shape *s, struct ind_period p, char out[32])
{
    struct ind_deadline d = {5, 1440};
    const char *dl = x->col[STORE_IND_DEADLINE];
    if (dl[0])
        ind_deadline_parse(dl, strlen(dl), &d, NULL);
    int64_t end = ind_period_end(p), due = ind_deadline_due(&d, p);
    int64_t t = due > end ? end + (int64_t)((double)(due - end) * (0.2 + 0.6 * unif(s->h + p.n)))
                          : due - 3600 - (int64_t)(6 * 3600 * unif(s->h + p.n));
    if (t > g->today - 60)
        t = g->today - 60;
    if (t < ind_period_start(p))
        t = ind_period_start(p);
    ioc_time_rfc3339(t * 1000, out);
}

static int late_periods(const char *agency)
{
    for (size_t i = 0; i < SEED_LATE_AGENCIES; i++)
        if (strcmp(agency, seed_late_agencies[i].code) == 0)
            return seed_late_agencies[i].periods;
    return 0;
}

int seed_iv_full_history(const char *domain)
{
    for (size_t i = 0; i < IOC_ARRAY_LEN(full_domains); i++)
        if (strcmp(domain, full_domains[i]) == 0)
            return 1;
    return 0;
}

static int is_district_indicator(const char *code)
{
    for (size_t i = 0; i < IOC_ARRAY_LEN(district_codes); i++)
        if (strcmp(code, district_codes[i]) == 0)
            return 1;
    return 0;
}

int seed_iv_periods(const char *today, int f, struct ind_period *first, int32_t *count)
{
    struct ind_period d, cur;
    if (!today || ind_period_parse(today, strlen(today), &d, NULL) != 0 || d.freq != IND_DAY)
        return IOC_EINVAL;
    int32_t k = f == IND_DAY ? 60 : f == IND_MONTH ? 36 : f == IND_QUARTER ? 12 : 3;
    int rc = ind_period_of(f, ind_period_start(d), &cur);
    if (rc == 0)
        rc = ind_period_step(cur, -k, first);
    if (rc == 0)
        *count = k;
    return rc;
}

/* The old districts' own figures for period p: the sum of their communes' rows
 * rows[from..g->n_rows) (value for a sum, num and den for a ratio). */
static int district_rows(struct seed_iv_gen *g, const struct shape *s, size_t from)
{
    size_t end = g->n_rows;
    for (size_t d = 0; d < g->n_districts; d++) {
        double v = 0, num = 0, den = 0;
        size_t k = 0;
        for (size_t i = from; i < end; i++) {
            const struct gen_unit *c = find_id(g->old_c, g->n_old, g->rows[i].unit_id);
            if (!c || c->district != (int)d)
                continue;
            v += g->rows[i].value, num += g->rows[i].num, den += g->rows[i].den, k++;
        }
        struct store_indvalue *r;
        if (k == 0)
            continue;
        int rc = push(g, &r);
        if (rc)
            return rc;
        *r = g->rows[from];
        r->unit_id = g->districts[d].id;
        if (s->ind->rule.agg == IND_AGG_RATIO)
            r->num = num, r->den = den, r->value = ratio_value(&s->ind->rule, num, den);
        else
            r->value = v;
    }
    return 0;
}

static int period_rows(struct seed_iv_gen *g, const struct shape *s, struct ind_period p, int32_t i,
                       int district)
{
    int old = ind_period_end(p) <= g->new_from;
    const struct gen_unit *units = old ? g->old_c : g->new_c;
    size_t n = old ? g->n_old : g->n_new, from = g->n_rows;
    for (size_t k = 0; k < n; k++) {
        struct store_indvalue *r;
        int rc = push(g, &r);
        if (rc)
            return rc;
        r->indicator_id = s->ind->id;
        r->unit_id = units[k].id;
        r->freq = (char *)ind_freq_name(p.freq);
        r->period_n = p.n;
        r->period = g->ptext[i];
        r->source = "imported";
        r->who = "demo";
        r->at = g->at[i];
        r->note = SEED_IV_NOTE;
        fill(g, s, &units[k], p, r);
    }
    return old && district ? district_rows(g, s, from) : 0;
}

/* The codes the server computes from the modules' own data (src/environment/figures.c,
 * src/reports/figures.c), never invented: the demo's readings and reports give them. */
int seed_iv_computed(const char *code)
{
    static const char *const computed[] = {ENV_FIG_AQI, ENV_FIG_AQI_MAX, ENV_FIG_BAD_DAYS};
    for (size_t i = 0; i < IOC_ARRAY_LEN(computed); i++)
        if (strcmp(computed[i], code) == 0)
            return 1;
    for (size_t i = 0; rep_figure_code(i); i++)
        if (strcmp(rep_figure_code(i), code) == 0)
            return 1;
    return 0;
}

static int is_part(const struct seed_iv_gen *g, const char *code)
{
    for (size_t k = 0; k < g->n_parts; k++)
        if (strcmp(g->parts[k].a, code) == 0)
            return 1;
    return 0;
}

int seed_iv_rows(struct seed_iv_gen *g, struct store_conn *c, const struct store_indicator *x,
                 const struct store_indvalue **rows, size_t *n)
{
    g->n_rows = 0;
    *rows = NULL, *n = 0;
    if (seed_iv_computed(x->col[STORE_IND_CODE]))
        return 0;
    struct ind_indicator ind;
    int rc = ind_indicator_of(c, x, &ind);
    if (rc || ind.derived)
        return rc;
    struct shape s, ws;
    shape_of(g, x, &ind, &s);
    struct store_indicator wx;
    struct ind_indicator wind;
    int has_whole = 0;
    for (size_t k = 0; k < g->n_parts && !has_whole; k++) {
        if (strcmp(g->parts[k].a, x->col[STORE_IND_CODE]) != 0 || is_part(g, g->parts[k].b) ||
            store_indicator_get(c, g->parts[k].b, &wx) != 0)
            continue; /* (a whole that is itself a part is not drawn as its level says) */
        /* both sums, the whole as coarse as the part or coarser, not derived itself */
        if (ind_indicator_of(c, &wx, &wind) == 0 && !wind.derived && wind.rule.agg == IND_AGG_SUM &&
            ind.rule.agg == IND_AGG_SUM && wind.freq >= ind.freq) {
            shape_of(g, &wx, &wind, &ws);
            s.whole = &ws;
            s.share = g->parts[k].share;
            has_whole = 1;
        }
        store_indicator_clear(&wx);
    }
    struct ind_period first;
    int32_t count = 0;
    char today[IND_PERIOD_TEXT_MAX];
    struct ind_period d;
    ind_period_of(IND_DAY, g->today, &d);
    ind_period_format(d, today);
    rc = seed_iv_periods(today, ind.freq, &first, &count);
    count -= late_periods(x->col[STORE_IND_AGENCY]);
    int district = is_district_indicator(x->col[STORE_IND_CODE]);
    int full = seed_iv_full_history(x->col[STORE_IND_DOMAIN]) ||
               late_periods(x->col[STORE_IND_AGENCY]) > 0;
    for (int32_t i = 0; rc == 0 && i < count && i < SEED_IV_MAX_PERIODS; i++) {
        struct ind_period p;
        rc = ind_period_step(first, i, &p);
        if (rc == 0)
            rc = ind_period_format(p, g->ptext[i]);
        if (rc)
            break;
        if (!full && ind_period_end(p) <= g->new_from)
            continue;
        submitted(g, x, &s, p, g->at[i]);
        rc = period_rows(g, &s, p, i, district);
    }
    if (rc == 0)
        *rows = g->rows, *n = g->n_rows;
    return rc;
}

static int wanted(const struct seed_indvalues *j, const char *code)
{
    if (!j->codes)
        return 1;
    for (size_t i = 0; i < j->ncodes; i++)
        if (strcmp(j->codes[i], code) == 0)
            return 1;
    return 0;
}

int seed_indvalues_job(struct store_conn *w, void *arg)
{
    struct seed_indvalues *j = arg;
    j->error[0] = '\0';
    j->rows = j->indicators = 0;
    struct seed_iv_gen *g = NULL;
    int rc = seed_iv_open(w, j->today, j->seed, &g);
    if (rc) {
        snprintf(j->error, sizeof j->error, "indicator values: units of %s: %s",
                 j->today ? j->today : "(none)", ioc_strerror(rc));
        return rc;
    }
    struct store_indicator *x = NULL;
    size_t nx = 0;
    struct store_ind_query q = {0};
    int64_t was_kib = 0;
    rc = store_indvalues_bulk_cache(w, 128 * 1024, &was_kib);
    if (rc == 0)
        rc = store_indicators_find(w, &q, &x, &nx, NULL);
    for (size_t i = 0; rc == 0 && i < nx; i++) {
        if (!wanted(j, x[i].col[STORE_IND_CODE]))
            continue;
        const struct store_indvalue *rows;
        size_t n = 0;
        rc = seed_iv_rows(g, w, &x[i], &rows, &n);
        if (rc == 0 && n > 0) {
            rc = store_indvalues_bulk_put(w, rows, n, &j->rows, NULL);
            j->indicators++;
        }
        if (rc)
            snprintf(j->error, sizeof j->error, "indicator values: %s: %s",
                     x[i].col[STORE_IND_CODE], ioc_strerror(rc));
    }
    store_indicators_free(x, nx);
    seed_iv_close(g);
    if (was_kib > 0) /* back to the writer's own size: the cache shrinks at once */
        store_indvalues_bulk_cache(w, was_kib, NULL);
    return rc;
}
