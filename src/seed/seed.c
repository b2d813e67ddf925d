/*
 * seed.c — the real units of the demo province (data/vn-units/) and the demo organisation.
 *
 * Units: units-2024.tsv (valid until 2025-06-30; the source gives no start date, stored as
 * "0001-01-01" = before the data begins, shown as null), units-2025.tsv (from 2025-07-01), the
 * 2025 boundaries from the two GeoJSON files, and succession-2025.tsv: for each new commune, its
 * old units. An old code is linked when the source matched it ("?" entries are left unlinked;
 * the verbatim text is kept as the note); a link is partial when its text item says so
 * ("một phần", "phần còn lại …").
 *
 * Matching an old code to its item of predecessors_text ("Phường Tân Hạnh, Xã Thanh Bình
 * (huyện Trảng Bom), Xã Xuân Tâm (phần còn lại …)"): by the old unit's name, never by
 * position alone, because the two lists need not be in the same order. Tiers, the first that
 * matches wins: (1) the item without its parenthesis equals the old full name; (2) the same,
 * compared folded (the sources differ in tone placement, "Hoà"/"Hòa"); (3) the folded item
 * ends with the old short name (the sources differ in the unit type, "Xã"/"Phường"). Several
 * candidates in a tier are told apart by position; no candidate at all falls back to the item
 * at the same position when both lists have the same length ("giữ nguyên" = unchanged).
 *
 * Invariants: the whole load is one job (one transaction), so a bad line leaves nothing behind;
 * units are put by (code, valid_from) and links by (old, new), so a second run changes nothing
 * but meta "units_generation"; nothing is stored that the files do not say.
 */
#include "seed/seed.h"
#include "auth/auth.h"
#include "base/base.h"
#include "environment/environment.h"
#include "geo/geo.h"
#include "indicators/indicators.h"
#include "store/store.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define OLD_FROM "0001-01-01"
#define OLD_TO "2025-06-30"
#define NEW_FROM "2025-07-01"
#define FILE_MAX ((size_t)64 << 20)

static int seed_fail(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int seed_fail(char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, 256, fmt, ap);
    va_end(ap);
    return IOC_EINVAL;
}

/* Splits line (modified in place) at tabs into at most max fields. */
static int split_tabs(char *line, char **f, int max)
{
    int n = 0;
    for (char *p = line; n < max;) {
        f[n++] = p;
        char *t = strchr(p, '\t');
        if (!t)
            break;
        *t = '\0';
        p = t + 1;
    }
    return n;
}

/* Reads DIR/FILE whole into *text (caller frees); on failure writes the reason into err. */
static int read_data(const char *dir, const char *file, char **text, size_t *n, char *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    int rc = ioc_file_read(path, FILE_MAX, text, n);
    return rc ? seed_fail(err, "%s: %s", path, ioc_strerror(rc)) : 0;
}

typedef int (*row_fn)(struct store_conn *w, char **f, int nf, void *ctx, char *err,
                      const char *where);

/* Reads a TSV file: '#' comments, one header line (which must be `header`, tab-separated), then
 * rows of at least nfields fields. */
static int each_row(struct store_conn *w, const char *dir, const char *file,
                    const char *header_want, int nfields, row_fn fn, void *ctx, char *err)
{
    char *text = NULL;
    size_t n = 0;
    int rc = read_data(dir, file, &text, &n, err);
    if (rc)
        return rc;
    int lineno = 0, header = 1;
    rc = 0;
    for (char *line = text, *next; rc == 0 && line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r')
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        if (header) {
            header = 0;
            if (strcmp(line, header_want) != 0) {
                rc = seed_fail(err, "%s:%d: unexpected header (want the columns %s)", file, lineno,
                               header_want);
                break;
            }
            continue;
        }
        char *f[8];
        int nf = split_tabs(line, f, 8);
        char where[4200];
        snprintf(where, sizeof where, "%s:%d", file, lineno);
        if (nf < nfields) {
            rc = seed_fail(err, "%s: %d fields, expected %d", where, nf, nfields);
            break;
        }
        if (!ioc_utf8_valid(line, strlen(line))) {
            rc = seed_fail(err, "%s: not UTF-8", where);
            break;
        }
        rc = fn(w, f, nf, ctx, err, where);
    }
    if (rc == 0 && header)
        rc = seed_fail(err, "%s: no header line", file);
    free(text);
    return rc;
}

/* Code and level of a unit row: a non-empty code of digits, a known level. */
static int check_unit_row(char **f, char *err, const char *where)
{
    if (!f[0][0] || strspn(f[0], "0123456789") != strlen(f[0]))
        return seed_fail(err, "%s: bad unit code \"%.20s\"", where, f[0]);
    if (strcmp(f[1], "province") && strcmp(f[1], "district") && strcmp(f[1], "commune"))
        return seed_fail(err, "%s: unknown level \"%.20s\"", where, f[1]);
    return 0;
}

static char *nfc(const char *s)
{
    char *out = NULL;
    return ioc_text_nfc(s, strlen(s), &out, NULL) == 0 ? out : NULL;
}

static int put_unit(struct store_conn *w, struct store_unit *u, char *err, const char *where)
{
    int rc = store_unit_put(w, u, NULL, NULL);
    if (rc)
        return seed_fail(err, "%s: unit %s: %s", where, u->code, ioc_strerror(rc));
    return 0;
}

/* units-2024.tsv: code, level, type, full name, parent code. */
static int row_2024(struct store_conn *w, char **f, int nf, void *ctx, char *err, const char *where)
{
    (void)nf;
    int *count = ctx;
    if (check_unit_row(f, err, where) != 0)
        return IOC_EINVAL;
    char *full = nfc(f[3]), *type = nfc(f[2]);
    if (!full || !type) {
        free(full);
        free(type);
        return seed_fail(err, "%s: bad text", where);
    }
    size_t tl = strlen(type);
    const char *shortname = strncmp(full, type, tl) == 0 && full[tl] == ' ' ? full + tl + 1 : full;
    struct store_unit u = {0};
    u.code = f[0];
    u.level = f[1];
    u.type = type;
    u.name = (char *)shortname;
    u.full_name = full;
    u.name_en = "";
    u.parent_code = f[4];
    u.valid_from = OLD_FROM;
    u.valid_to = OLD_TO;
    int rc = put_unit(w, &u, err, where);
    free(full);
    free(type);
    *count += rc == 0;
    return rc;
}

/* units-2025.tsv: code, level, type, name, English name, parent code. */
static int row_2025(struct store_conn *w, char **f, int nf, void *ctx, char *err, const char *where)
{
    (void)nf;
    int *count = ctx;
    if (check_unit_row(f, err, where) != 0)
        return IOC_EINVAL;
    char *name = nfc(f[3]), *type = nfc(f[2]);
    struct ioc_buf full;
    ioc_buf_init(&full, 0);
    ioc_buf_printf(&full, "%s %s", type ? type : "", name ? name : "");
    int rc = name && type && full.data ? 0 : seed_fail(err, "%s: bad text", where);
    if (rc == 0) {
        struct store_unit u = {0};
        u.code = f[0];
        u.level = f[1];
        u.type = type;
        u.name = name;
        u.full_name = full.data;
        u.name_en = f[4];
        u.parent_code = f[5];
        u.valid_from = NEW_FROM;
        u.valid_to = "";
        rc = put_unit(w, &u, err, where);
    }
    ioc_buf_free(&full);
    free(name);
    free(type);
    *count += rc == 0;
    return rc;
}

static int boundaries(struct store_conn *w, const char *dir, const char *file, int *count,
                      char *err)
{
    char *text = NULL;
    size_t n = 0;
    int rc = read_data(dir, file, &text, &n, err);
    if (rc)
        return rc;
    struct geo_feature *fs = NULL;
    size_t nf = 0;
    struct geo_error ge;
    rc = geo_features_parse(text, n, 10000, &fs, &nf, &ge);
    free(text);
    if (rc)
        return seed_fail(err, "%s: feature %ld: %s", file, ge.feature, ge.message);
    for (size_t i = 0; rc == 0 && i < nf; i++) {
        struct store_unit u = {0};
        rc = store_unit_get(w, fs[i].code, NEW_FROM, &u);
        if (rc) {
            rc = seed_fail(err, "%s: feature %zu: no unit %s from %s", file, i, fs[i].code,
                           NEW_FROM);
            break;
        }
        u.area_km2 = fs[i].area_km2;
        memcpy(u.bbox, fs[i].bbox, sizeof u.bbox);
        rc = store_unit_put(w, &u, fs[i].geometry, NULL);
        store_unit_clear(&u);
        if (rc)
            rc = seed_fail(err, "%s: feature %zu: %s", file, i, ioc_strerror(rc));
        else
            (*count)++;
    }
    geo_features_free(fs, nf);
    return rc;
}

#define ITEMS_MAX 64

/* One item of predecessors_text: [p, p + len) in full, [p, p + base) without its parenthesis. */
struct item {
    const char *p;
    size_t len, base;
};

/* Splits text at ", " outside parentheses into at most ITEMS_MAX items. */
static size_t split_items(const char *text, struct item *it)
{
    size_t n = 0;
    const char *p = text;
    while (*p && n < ITEMS_MAX) {
        while (*p == ' ')
            p++;
        const char *q = p;
        int depth = 0;
        while (*q && !(depth == 0 && q[0] == ',' && q[1] == ' ')) {
            depth += *q == '(' ? 1 : *q == ')' && depth > 0 ? -1 : 0;
            q++;
        }
        size_t len = (size_t)(q - p);
        while (len && p[len - 1] == ' ')
            len--;
        const char *paren = memchr(p, '(', len);
        size_t base = paren ? (size_t)(paren - p) : len;
        while (base && p[base - 1] == ' ')
            base--;
        it[n++] = (struct item){p, len, base};
        p = *q ? q + 2 : q;
    }
    return n;
}

/* 1 if the item (without parenthesis) matches the old unit at the given tier (see the top). */
static int item_matches(const struct item *it, int tier, const char *full, const char *f_full,
                        const char *f_short)
{
    if (tier == 0)
        return it->base == strlen(full) && memcmp(it->p, full, it->base) == 0;
    char *f = ioc_text_fold(it->p, it->base);
    if (!f)
        return 0;
    int ok;
    if (tier == 1) {
        ok = f_full && strcmp(f, f_full) == 0;
    } else {
        size_t fl = strlen(f), sl = f_short ? strlen(f_short) : 0;
        ok = sl && fl > sl && f[fl - sl - 1] == ' ' && strcmp(f + fl - sl, f_short) == 0;
    }
    free(f);
    return ok;
}

/* The item of items[0..n) that names the old unit `ou`, which is at position pos of the codes
 * list of ncodes entries; NULL if none can be told. */
static const struct item *find_item(const struct item *items, size_t n, const struct store_unit *ou,
                                    size_t pos, size_t ncodes)
{
    char *f_full = ioc_text_fold(ou->full_name, strlen(ou->full_name));
    char *f_short = ioc_text_fold(ou->name, strlen(ou->name));
    const struct item *found = NULL;
    for (int tier = 0; tier < 3 && !found; tier++) {
        size_t hits = 0;
        const struct item *first = NULL;
        int at_pos = 0;
        for (size_t i = 0; i < n; i++) {
            if (!item_matches(&items[i], tier, ou->full_name, f_full, f_short))
                continue;
            hits++;
            first = first ? first : &items[i];
            at_pos |= i == pos;
        }
        if (hits == 1)
            found = first;
        else if (hits > 1 && at_pos)
            found = &items[pos];
        else if (hits > 1)
            break; /* ambiguous: better no item than a wrong one */
    }
    if (!found && n == ncodes && pos < n)
        found = &items[pos];
    free(f_full);
    free(f_short);
    return found;
}

/* 1 if the item says that only part of the old unit went into the new one. */
static int item_partial(const struct item *it)
{
    char *f = ioc_text_fold(it->p, it->len);
    int partial = f && (strstr(f, "mot phan") || strstr(f, "phan con lai"));
    free(f);
    return partial;
}

/* Links each matched old code of codes (comma-separated) to new unit nu. */
static int link_olds(struct store_conn *w, const struct store_unit *nu, const char *codes_text,
                     const char *note, int *count, char *err, const char *where)
{
    struct item items[ITEMS_MAX];
    size_t nitems = split_items(note, items);
    size_t ncodes = 1;
    for (const char *p = codes_text; *p; p++)
        ncodes += *p == ',';
    char *codes = strdup(codes_text);
    if (!codes)
        return IOC_ENOMEM;
    int rc = 0;
    size_t pos = 0;
    for (char *save = NULL, *c = strtok_r(codes, ",", &save); rc == 0 && c;
         c = strtok_r(NULL, ",", &save), pos++) {
        if (strcmp(c, "?") == 0)
            continue;
        struct store_unit ou = {0};
        if (store_unit_get(w, c, OLD_TO, &ou) != 0) {
            rc = seed_fail(err, "%s: no old unit %s in force on %s", where, c, OLD_TO);
            break;
        }
        const struct item *it = find_item(items, nitems, &ou, pos, ncodes);
        int partial = it ? item_partial(it) : 0;
        rc = store_succession_put(w, ou.id, nu->id, partial, note);
        if (rc)
            rc = seed_fail(err, "%s: link %s → %s: %s", where, c, nu->code, ioc_strerror(rc));
        else
            (*count)++;
        store_unit_clear(&ou);
    }
    free(codes);
    return rc;
}

/* succession-2025.tsv: new code, new name, old codes, predecessors text. */
static int row_succession(struct store_conn *w, char **f, int nf, void *ctx, char *err,
                          const char *where)
{
    (void)nf;
    struct store_unit nu = {0};
    int rc = store_unit_get(w, f[0], NEW_FROM, &nu);
    if (rc)
        return seed_fail(err, "%s: no new unit %s from %s", where, f[0], NEW_FROM);
    char *note = nfc(f[3]);
    rc = note ? link_olds(w, &nu, f[2], note, ctx, err, where)
              : seed_fail(err, "%s: bad predecessors text", where);
    free(note);
    store_unit_clear(&nu);
    return rc;
}

/* Counts one more change of the units (caches key on it). A stored value that is not a
 * generation stops the job rather than restarting the count, which could revive stale caches. */
static int bump_generation(struct store_conn *w, char *err)
{
    int rc = store_units_generation_bump(w, NULL);
    return rc == IOC_EINVAL ? seed_fail(err, "meta units_generation: not a generation number") : rc;
}

int seed_units_job(struct store_conn *w, void *arg)
{
    struct seed_units *s = arg;
    s->error[0] = '\0';
    s->units = s->boundaries = s->successions = 0;
    int rc = each_row(w, s->dir, "units-2024.tsv", "code\tlevel\ttype\tname\tparent_code", 5,
                      row_2024, &s->units, s->error);
    if (rc == 0)
        rc = each_row(w, s->dir, "units-2025.tsv", "code\tlevel\ttype\tname\tname_en\tparent_code",
                      6, row_2025, &s->units, s->error);
    if (rc == 0)
        rc = boundaries(w, s->dir, "dongnai-2025-province.geojson", &s->boundaries, s->error);
    if (rc == 0)
        rc = boundaries(w, s->dir, "dongnai-2025-communes.geojson", &s->boundaries, s->error);
    if (rc == 0)
        rc = each_row(w, s->dir, "succession-2025.tsv",
                      "new_code\tnew_name\told_codes\tpredecessors_text", 4, row_succession,
                      &s->successions, s->error);
    if (rc == 0)
        rc = bump_generation(w, s->error);
    return rc;
}

/* ---- the demo organisation -------------------------------------------------------------- */

/*
 * The specialised bodies of the people's committee of a province-level unit after the 2025
 * reorganisation (Decree 45/2025/NĐ-CP): the office, the inspectorate and the departments (sở),
 * named for Đồng Nai, a centrally-run city since 30 April 2026 (data/vn-units/README.md). The
 * city police (Công an) answers to the Ministry of Public Security, not to the committee, so it
 * is a root agency of its own.
 */

static const struct {
    const char *code, *name;
} departments[] = {
    {"VP-UBND", "Văn phòng Ủy ban nhân dân Thành phố Đồng Nai"},
    {"SO-NV", "Sở Nội vụ"},
    {"SO-TC", "Sở Tài chính"},
    {"SO-XD", "Sở Xây dựng"},
    {"SO-NNMT", "Sở Nông nghiệp và Môi trường"},
    {"SO-KHCN", "Sở Khoa học và Công nghệ"},
    {"SO-CT", "Sở Công Thương"},
    {"SO-YT", "Sở Y tế"},
    {"SO-GDDT", "Sở Giáo dục và Đào tạo"},
    {"SO-VHTTDL", "Sở Văn hóa, Thể thao và Du lịch"},
    {"SO-TP", "Sở Tư pháp"},
    {"SO-DTTG", "Sở Dân tộc và Tôn giáo"},
    {"TTR", "Thanh tra Thành phố Đồng Nai"},
};

/* One people's committee per commune in force today. */
static int commune_agencies(struct store_conn *w)
{
    char today[11];
    ioc_date_today_vn(today);
    struct store_unit_query q = {"commune", today, NULL, NULL, 0, 0};
    struct store_unit *u = NULL;
    size_t n = 0;
    int rc = store_units_find(w, &q, &u, &n);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char code[64], name[300];
        snprintf(code, sizeof code, "UBND-%s", u[i].code);
        snprintf(name, sizeof name, "Ủy ban nhân dân %s", u[i].full_name);
        rc = store_agency_add(w, code, name, "UBND-75", u[i].code, NULL);
    }
    store_units_free(u, n);
    return rc;
}

static int add_user(struct store_conn *w, const char *name, const char *display, const char *role,
                    const char *agency, char **password)
{
    if (!*password) {
        char pw[13];
        auth_password_generate(pw, sizeof pw);
        *password = strdup(pw);
        if (!*password)
            return IOC_ENOMEM;
    }
    char *hash = NULL;
    int rc = auth_password_hash(*password, &hash);
    if (rc == 0)
        rc = store_user_add(w, name, display, role, agency, hash, NULL);
    free(hash);
    return rc;
}

/* Keeps the first problem of the demo catalogue for the error message. */
static void first_problem(void *ctx, const struct seed_ind_problem *p)
{
    struct seed_demo *d = ctx;
    if (d->error[0] == '\0')
        seed_fail(d->error, "%s:%zu: %s: %s", p->file, p->line, p->column, p->why);
}

/* The demo's indicator catalogue, DIR/domains.csv and DIR/catalogue.csv, when a DIR is set. */
static int demo_indicators(struct store_conn *w, struct seed_demo *d)
{
    if (!d->indicators_dir || !d->indicators_dir[0])
        return 0;
    char dom[4096], cat[4096];
    snprintf(dom, sizeof dom, "%s/domains.csv", d->indicators_dir);
    snprintf(cat, sizeof cat, "%s/catalogue.csv", d->indicators_dir);
    struct seed_indicators j = {.domains_path = dom,
                                .catalogue_path = cat,
                                .actor = "demo",
                                .problem = first_problem,
                                .ctx = d};
    int rc = seed_indicators_job(w, &j);
    if (rc && d->error[0] == '\0')
        seed_fail(d->error, "indicators: %s", j.error[0] ? j.error : ioc_strerror(rc));
    d->indicators = (int)j.added;
    return rc;
}

/* The demo's dashboards, DIR/dashboards.jsonl, when a DIR is set and the demo catalogue they
 * refer to was loaded. */
static void first_dash_problem(void *ctx, const struct seed_dash_problem *p)
{
    struct seed_demo *d = ctx;
    if (d->error[0] == '\0')
        seed_fail(d->error, "%s:%zu: %s: %s", p->file, p->line, p->path, p->why);
}

static int demo_dashboards(struct store_conn *w, struct seed_demo *d)
{
    if (!d->dashboards_dir || !d->dashboards_dir[0] || !d->indicators_dir || !d->indicators_dir[0])
        return 0;
    char path[4096];
    snprintf(path, sizeof path, "%s/dashboards.jsonl", d->dashboards_dir);
    struct seed_dashboards j = {
        .path = path, .actor = "demo", .problem = first_dash_problem, .ctx = d};
    int rc = seed_dashboards_job(w, &j);
    if (rc && d->error[0] == '\0')
        seed_fail(d->error, "dashboards: %s", j.error[0] ? j.error : ioc_strerror(rc));
    d->dashboards = (int)j.added;
    return rc;
}

/* The citizen reports' services, DIR/services.json, when a DIR is set. */
static int demo_reports(struct store_conn *w, struct seed_demo *d)
{
    if (!d->reports_dir || !d->reports_dir[0])
        return 0;
    char path[4096];
    snprintf(path, sizeof path, "%s/services.json", d->reports_dir);
    struct seed_reports j = {.path = path, .actor = "demo"};
    int rc = seed_reports_job(w, &j);
    if (rc)
        seed_fail(d->error, "report services: %s", j.error[0] ? j.error : ioc_strerror(rc));
    d->report_services = j.services;
    if (rc || !d->reports)
        return rc;
    struct seed_reports_demo r = {0};
    int64_t t0 = ioc_now_ms();
    rc = seed_reports_demo_job(w, &r);
    if (rc)
        seed_fail(d->error, "%s", r.error[0] ? r.error : ioc_strerror(rc));
    d->report_count = r.reports;
    ioc_log(IOC_LOG_INFO, "demo reports: %d synthetic reports in %lld ms", r.reports,
            (long long)(ioc_now_ms() - t0));
    return rc;
}

/* The demo's synthetic monitoring stations, DIR/stations.csv, when a DIR is set and no station
 * is stored (docs/environment.md "Stations"). */
static int demo_stations(struct store_conn *w, struct seed_demo *d)
{
    if (!d->stations_dir || !d->stations_dir[0])
        return 0;
    int64_t n = 0;
    int rc = store_stations_count(w, &n);
    if (rc || n > 0)
        return rc;
    char path[4096];
    snprintf(path, sizeof path, "%s/stations.csv", d->stations_dir);
    char *data = NULL;
    size_t len = 0;
    if ((rc = ioc_file_read(path, (size_t)16 << 20, &data, &len)) != 0)
        return seed_fail(d->error, "stations: %s: %s", path, ioc_strerror(rc));
    struct env_import im = {
        .data = data, .len = len, .actor = "demo", .target = "stations:stations.csv"};
    rc = env_stations_import_job(w, &im);
    free(data);
    if (rc)
        return seed_fail(d->error, "stations: %s: %s", path,
                         im.problems ? "refused rows (iocctl stations import tells which)"
                                     : ioc_strerror(rc));
    d->stations = (int)im.added;
    return 0;
}

/* The catalogue's synthetic values, when asked and the catalogue was loaded; today from the
 * clock (the day of seeding, UTC+7) unless values_today gives one. */
static int demo_values(struct store_conn *w, struct seed_demo *d)
{
    if (!d->indicator_values || !d->indicators_dir || !d->indicators_dir[0])
        return 0;
    char today[IND_PERIOD_TEXT_MAX];
    struct ind_period p;
    if (d->values_today && d->values_today[0])
        snprintf(today, sizeof today, "%s", d->values_today);
    else if (ind_period_of(IND_DAY, ioc_now_ms() / 1000, &p) != 0 ||
             ind_period_format(p, today) != 0)
        return seed_fail(d->error, "indicator values: no today");
    struct seed_indvalues j = {.today = today, .seed = SEED_IV_SEED};
    int64_t t0 = ioc_now_ms();
    int rc = seed_indvalues_job(w, &j);
    if (rc) {
        seed_fail(d->error, "%s", j.error[0] ? j.error : ioc_strerror(rc));
        return rc;
    }
    d->values = j.rows;
    ioc_log(IOC_LOG_INFO,
            "demo indicator values: %lld values of %lld indicators up to %s in %lld ms",
            (long long)j.rows, (long long)j.indicators, today, (long long)(ioc_now_ms() - t0));
    return 0;
}

int seed_demo_job(struct store_conn *w, void *arg)
{
    struct seed_demo *d = arg;
    d->error[0] = '\0';
    d->created = 0;
    char *seeded = NULL;
    if (store_meta_get(w, "demo_seeded", &seeded) == 0) {
        free(seeded);
        return 0;
    }
    int rc = store_agency_add(w, "UBND-75", "Ủy ban nhân dân Thành phố Đồng Nai", NULL, "75", NULL);
    for (size_t i = 0; rc == 0 && i < IOC_ARRAY_LEN(departments); i++)
        rc = store_agency_add(w, departments[i].code, departments[i].name, "UBND-75", NULL, NULL);
    if (rc == 0)
        rc = store_agency_add(w, "CA", "Công an Thành phố Đồng Nai", NULL, NULL, NULL);
    if (rc)
        return seed_fail(d->error, "agencies: %s", ioc_strerror(rc));
    rc = commune_agencies(w);
    if (rc)
        return seed_fail(d->error, "commune agencies: %s", ioc_strerror(rc));
    rc = add_user(w, "admin", "Quản trị viên (dữ liệu mẫu)", "admin", NULL, &d->password_admin);
    if (rc == 0)
        rc = add_user(w, "leader", "Lãnh đạo UBND (dữ liệu mẫu)", "leader", NULL,
                      &d->password_leader);
    if (rc == 0)
        rc = add_user(w, "operator", "Trực ban IOC (dữ liệu mẫu)", "operator", NULL,
                      &d->password_operator);
    if (rc == 0)
        rc = add_user(w, "staff", "Cán bộ Sở Nông nghiệp và Môi trường (dữ liệu mẫu)", "staff",
                      "SO-NNMT", &d->password_staff);
    if (rc)
        return seed_fail(d->error, "demo users: %s", ioc_strerror(rc));
    rc = demo_indicators(w, d);
    if (rc == 0)
        rc = demo_dashboards(w, d);
    if (rc == 0)
        rc = demo_reports(w, d);
    if (rc == 0)
        rc = demo_stations(w, d);
    if (rc == 0)
        rc = demo_values(w, d);
    if (rc)
        return rc;
    rc = store_meta_set(w, "demo_seeded", "1");
    if (rc)
        return seed_fail(d->error, "demo users: %s", ioc_strerror(rc));
    d->created = 1;
    return 0;
}
