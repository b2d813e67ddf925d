/*
 * doc.c — a dashboard document as a whole (docs/dashboards.md): its members, id, titles,
 * domain, tags and grid, the shared helpers of the checks (paths, strings, integers, lookups),
 * and the canonical text of a document that passed. The panels are checked in panels.c.
 *
 * A check stops at the first problem: the reason names one place, which is what an integrator
 * fixes next. The canonical document is built while checking (one pass), member by member in
 * the documented order, so that checking a canonical text again gives the same bytes.
 */
#include "dashboards/dash_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

void dash_doc_clear(struct dash_doc *d)
{
    if (!d)
        return;
    free(d->id);
    free(d->title_vi);
    free(d->title_en);
    free(d->domain);
    free(d->tags);
    free(d->text);
    memset(d, 0, sizeof *d);
}

void dash_path(char *buf, size_t cap, const char *prefix, const char *member)
{
    prefix = prefix ? prefix : "";
    member = member ? member : "";
    snprintf(buf, cap, "%s%s%s", prefix, *prefix && *member ? "." : "", member);
}

int dash_fail(struct dash_ck *k, const char *prefix, const char *member, const char *fmt, ...)
{
    if (k->rc == 0) {
        dash_path(k->p->path, sizeof k->p->path, prefix, member);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(k->p->why, sizeof k->p->why, fmt, ap);
        va_end(ap);
        k->rc = IOC_EINVAL;
    }
    return IOC_EINVAL;
}

int dash_error(struct dash_ck *k, int rc)
{
    if (k->rc == 0)
        k->rc = rc;
    return rc;
}

int dash_set(struct dash_ck *k, json_t *o, const char *key, json_t *v)
{
    if (!v || json_object_set_new(o, key, v) != 0)
        return dash_error(k, IOC_ENOMEM);
    return 0;
}

int dash_id_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > DASH_ID_MAX || s[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return 0;
    return 1;
}

int dash_members(struct dash_ck *k, const json_t *obj, const char *prefix,
                 const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        int known = 0;
        for (size_t i = 0; !known && allowed[i]; i++)
            known = strcmp(key, allowed[i]) == 0;
        if (!known)
            return dash_fail(k, prefix, key, "'%.40s' is not a member here.", key);
    }
    return 0;
}

/* Multi-line text: controls other than \n and \t refused. */
static int text_ok(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
            return 0;
    return 1;
}

/* Checks an NFC string s (owned, freed on a problem) by flags and max; 0 and *out, or < 0. */
static int str_rules(struct dash_ck *k, char *s, const char *key, const char *prefix, int flags,
                     size_t max, char **out)
{
    if (flags & DASH_STR_LABEL) {
        int bad = ioc_text_label(s, max);
        if (bad) {
            size_t n = strlen(s);
            free(s);
            if (n == 0)
                return dash_fail(k, prefix, key, "Must not be empty.");
            if (n > max)
                return dash_fail(k, prefix, key, "Longer than %zu bytes.", max);
            return dash_fail(k, prefix, key,
                             "Holds a control or bidirectional formatting character.");
        }
    } else if (strlen(s) > max) {
        free(s);
        return dash_fail(k, prefix, key, "Longer than %zu bytes.", max);
    } else if ((flags & DASH_STR_TEXT) && !text_ok(s)) {
        free(s);
        return dash_fail(k, prefix, key, "Holds a control character other than a line break.");
    }
    *out = s;
    return 0;
}

int dash_str_v(struct dash_ck *k, const json_t *v, const char *prefix, const char *key, int flags,
               size_t max, char **out)
{
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (flags & DASH_STR_REQUIRED)
            return dash_fail(k, prefix, key, "Required.");
        return 0;
    }
    if (!json_is_string(v))
        return dash_fail(k, prefix, key, "Must be a string.");
    if (json_string_length(v) > 4 * max)
        return dash_fail(k, prefix, key, "Longer than %zu bytes.", max);
    char *nfc = NULL;
    int rc = ioc_text_nfc(json_string_value(v), json_string_length(v), &nfc, NULL);
    if (rc == IOC_EINVAL)
        return dash_fail(k, prefix, key, "Holds a NUL character or is not UTF-8.");
    if (rc)
        return dash_error(k, rc);
    return str_rules(k, nfc, key, prefix, flags, max, out);
}

int dash_str(struct dash_ck *k, const json_t *obj, const char *key, const char *prefix, int flags,
             size_t max, char **out)
{
    return dash_str_v(k, json_object_get(obj, key), prefix, key, flags, max, out);
}

int dash_int(struct dash_ck *k, const json_t *obj, const char *key, const char *prefix,
             int required, json_int_t min, json_int_t max, json_int_t *out, int *present)
{
    json_t *v = json_object_get(obj, key);
    *present = v != NULL;
    if (!v) {
        if (required)
            return dash_fail(k, prefix, key, "Required.");
        return 0;
    }
    if (!json_is_integer(v))
        return dash_fail(k, prefix, key, "Must be an integer.");
    json_int_t x = json_integer_value(v);
    if (x < min || x > max)
        return dash_fail(k, prefix, key, "Must be from %lld to %lld.", (long long)min,
                         (long long)max);
    *out = x;
    return 0;
}

int dash_ref(struct dash_ck *k, int (*fn)(void *, const char *), const char *code,
             const char *prefix, const char *member, const char *what)
{
    if (!fn)
        return 0;
    int r = fn(k->lk->ctx, code);
    if (r < 0)
        return dash_error(k, r);
    if (r == 0)
        return dash_fail(k, prefix, member, "No %s has code '%.64s'.", what, code);
    return 0;
}

/* ---- the document's own members ---------------------------------------------------------- */

static const char *const doc_members[] = {
    "version", "id",   "title_vi", "title_en", "description_vi", "description_en", "domain",
    "tags",    "grid", "panels",   "revision", "updated_at",     "updated_by",     NULL};

/* A domain code: 1..16 of [A-Z0-9_]. */
static int domain_form(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 16)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

static int check_domain(struct dash_ck *k, const json_t *doc, json_t *out, struct dash_doc *d)
{
    json_t *v = json_object_get(doc, "domain");
    if (!v || json_is_null(v)) {
        d->domain = strdup("");
        return d->domain ? dash_set(k, out, "domain", json_null()) : dash_error(k, IOC_ENOMEM);
    }
    if (!json_is_string(v) || !domain_form(json_string_value(v)))
        return dash_fail(k, "", "domain", "Must be null or a domain's code (A-Z, 0-9, _).");
    const char *code = json_string_value(v);
    if (dash_ref(k, k->lk ? k->lk->domain : NULL, code, "", "domain", "domain"))
        return k->rc;
    d->domain = strdup(code);
    return d->domain ? dash_set(k, out, "domain", json_string(code)) : dash_error(k, IOC_ENOMEM);
}

static int check_tags(struct dash_ck *k, const json_t *doc, json_t *out, struct dash_doc *d)
{
    json_t *v = json_object_get(doc, "tags");
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    if (v && !json_is_array(v))
        return dash_fail(k, "", "tags", "Must be an array of strings.");
    if (v && json_array_size(v) > DASH_TAGS_MAX)
        return dash_fail(k, "", "tags", "At most %d tags.", DASH_TAGS_MAX);
    json_t *arr = v ? json_array() : NULL;
    if (v && dash_set(k, out, "tags", arr))
        return k->rc;
    for (size_t i = 0; v && i < json_array_size(v); i++) {
        char at[32], *tag = NULL;
        snprintf(at, sizeof at, "tags[%zu]", i);
        if (dash_str_v(k, json_array_get(v, i), "", at, DASH_STR_LABEL | DASH_STR_REQUIRED,
                       DASH_TAG_MAX, &tag)) {
            ioc_buf_free(&b);
            return k->rc;
        }
        int rc = ioc_buf_printf(&b, "%s%s", i ? "\n" : "", tag);
        rc = rc ? rc : json_array_append_new(arr, json_string(tag));
        free(tag);
        if (rc) {
            ioc_buf_free(&b);
            return dash_error(k, IOC_ENOMEM);
        }
    }
    d->tags = strdup(b.data ? b.data : "");
    ioc_buf_free(&b);
    return d->tags ? 0 : dash_error(k, IOC_ENOMEM);
}

/* The grid: {"columns": 1..24} (12 when absent); gives the columns. */
static int check_grid(struct dash_ck *k, const json_t *doc, json_t *out, int *columns)
{
    json_t *g = json_object_get(doc, "grid");
    json_int_t cols = DASH_COLUMNS_DEFAULT;
    int present = 0;
    if (g && !json_is_object(g))
        return dash_fail(k, "", "grid", "Must be an object.");
    if (g && (dash_members(k, g, "grid", (const char *const[]){"columns", NULL}) ||
              dash_int(k, g, "columns", "grid", 0, 1, DASH_COLUMNS_MAX, &cols, &present)))
        return k->rc;
    *columns = (int)cols;
    return dash_set(k, out, "grid", json_pack("{s:I}", "columns", cols));
}

/* A string member: checked, then set in out under the same name when present. */
static int copy_str(struct dash_ck *k, const json_t *doc, json_t *out, const char *key, int flags,
                    size_t max, char **keep)
{
    char *s = NULL;
    if (dash_str(k, doc, key, "", flags, max, &s))
        return k->rc;
    int rc = s ? dash_set(k, out, key, json_string(s)) : 0;
    if (keep)
        *keep = s ? s : strdup("");
    else
        free(s);
    if (keep && !*keep)
        return dash_error(k, IOC_ENOMEM);
    return rc;
}

static int check_head(struct dash_ck *k, const json_t *doc, json_t *out, struct dash_doc *d)
{
    json_int_t version = 0;
    int present = 0;
    if (dash_members(k, doc, "", doc_members) ||
        dash_int(k, doc, "version", "", 1, 1, 1000000, &version, &present))
        return k->rc;
    if (version != DASH_FORMAT_VERSION)
        return dash_fail(k, "", "version", "This server reads version %d.", DASH_FORMAT_VERSION);
    if (dash_set(k, out, "version", json_integer(version)) ||
        copy_str(k, doc, out, "id", DASH_STR_REQUIRED, DASH_ID_MAX + 1, &d->id))
        return k->rc;
    if (!dash_id_valid(d->id))
        return dash_fail(k, "", "id", "Must be 1 to %d of a-z, 0-9 and '-', not starting with '-'.",
                         DASH_ID_MAX);
    if (copy_str(k, doc, out, "title_vi", DASH_STR_REQUIRED | DASH_STR_LABEL, DASH_TITLE_MAX,
                 &d->title_vi) ||
        copy_str(k, doc, out, "title_en", DASH_STR_LABEL, DASH_TITLE_MAX, &d->title_en) ||
        copy_str(k, doc, out, "description_vi", DASH_STR_TEXT, DASH_TEXT_MAX, NULL) ||
        copy_str(k, doc, out, "description_en", DASH_STR_TEXT, DASH_TEXT_MAX, NULL))
        return k->rc;
    return check_domain(k, doc, out, d) || check_tags(k, doc, out, d) ? k->rc : 0;
}

static int check_all(struct dash_ck *k, const json_t *doc, json_t *out, struct dash_doc *d)
{
    int columns = DASH_COLUMNS_DEFAULT;
    if (check_head(k, doc, out, d) || check_grid(k, doc, out, &columns))
        return k->rc;
    json_t *panels = json_object_get(doc, "panels");
    if (!panels)
        return dash_fail(k, "", "panels", "Required (it may be empty).");
    if (!json_is_array(panels))
        return dash_fail(k, "", "panels", "Must be an array.");
    if (json_array_size(panels) > DASH_MAX_PANELS)
        return dash_fail(k, "", "panels", "At most %d panels.", DASH_MAX_PANELS);
    json_t *arr = json_array();
    if (dash_set(k, out, "panels", arr) || dash_panels(k, panels, columns, arr))
        return k->rc;
    d->panels = (int)json_array_size(arr);
    d->text = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    if (!d->text)
        return dash_error(k, IOC_ENOMEM);
    d->text_len = strlen(d->text);
    if (d->text_len > DASH_MAX_BYTES)
        return dash_fail(k, "", "", "The document is larger than %d bytes.", DASH_MAX_BYTES);
    return 0;
}

int dash_check(const json_t *doc, const struct dash_lookup *lk, struct dash_doc *out,
               struct dash_problem *problem)
{
    struct dash_problem scratch;
    struct dash_ck k = {lk, problem ? problem : &scratch, 0};
    memset(k.p, 0, sizeof *k.p);
    if (!json_is_object(doc))
        return dash_fail(&k, "", "", "A dashboard is a JSON object.");
    struct dash_doc d = {0};
    json_t *canon = json_object();
    if (!canon)
        return IOC_ENOMEM;
    check_all(&k, doc, canon, &d);
    json_decref(canon);
    if (k.rc) {
        dash_doc_clear(&d);
        return k.rc;
    }
    *out = d;
    return 0;
}

int dash_parse(const char *text, size_t n, const struct dash_lookup *lk, struct dash_doc *out,
               struct dash_problem *problem)
{
    struct dash_problem scratch;
    struct dash_ck k = {lk, problem ? problem : &scratch, 0};
    memset(k.p, 0, sizeof *k.p);
    if (n > DASH_MAX_BYTES)
        return dash_fail(&k, "", "", "The document is larger than %d bytes.", DASH_MAX_BYTES);
    json_error_t je;
    json_t *doc = json_loadb(text, n, JSON_REJECT_DUPLICATES, &je);
    if (!doc)
        return dash_fail(&k, "", "", "Not JSON: line %d, column %d: %.120s", je.line, je.column,
                         je.text);
    int rc = dash_check(doc, lk, out, problem);
    json_decref(doc);
    return rc;
}
