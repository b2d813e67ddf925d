/* h_indimport.c — a file of indicator values (CSV or XLSX as the body) imported all or nothing
 * through the writer: the rules are src/indicators' (values_import.c); this parses the request,
 * runs the job and renders its answer — the counts, or every refused row (row, column, why). */
#include "api/api_int.h"

#include <stdlib.h>
#include <string.h>

#include "indicators/indicators.h"

API_OPENAPI_FRAGMENT(api_openapi_indimport, "src/api/openapi/indimport.json");

#define LISTED_MAX 100 /* refused rows listed in an answer (all are counted) */
#define NOTE_MAX 1000

static int64_t import_max_body(const struct ioc_config *cfg)
{
    const struct ind_settings *s = config_module_get(cfg, &config_module_indicators);
    return s ? s->max_import_bytes : 16 << 20;
}

struct imp {
    struct ind_import im;
    struct auth_principal caller; /* a copy: the job runs on the writer */
    struct store_audit who;
    struct ind_import_problem listed[LISTED_MAX];
    size_t nlisted;
    enum ind_refusal worst;
    struct ioc_buf signals; /* the alert signals of the values stored */
};

static void keep(void *ctx, const struct ind_import_problem *pb)
{
    struct imp *p = ctx;
    if (p->nlisted < LISTED_MAX)
        p->listed[p->nlisted++] = *pb;
    if (pb->kind == IND_REFUSE_FORBIDDEN ||
        (pb->kind == IND_REFUSE_CLOSED && p->worst == IND_REFUSE_INVALID))
        p->worst = pb->kind;
}

static int by_row(const void *a, const void *b)
{
    const struct ind_import_problem *x = a, *y = b;
    return (x->row > y->row) - (x->row < y->row);
}

/* 403 if a row was forbidden, else 409 if a period was closed, else 422, listing the rows. */
static void send_refused(struct api_ctx *c, struct imp *p)
{
    qsort(p->listed, p->nlisted, sizeof p->listed[0], by_row);
    json_t *list = json_array();
    for (size_t i = 0; i < p->nlisted; i++)
        json_array_append_new(list,
                              json_pack("{s:I, s:s, s:s}", "row", (json_int_t)p->listed[i].row,
                                        "column", p->listed[i].column, "error", p->listed[i].why));
    enum ioc_http_error e = p->worst == IND_REFUSE_FORBIDDEN ? IOC_HTTP_E_FORBIDDEN
                            : p->worst == IND_REFUSE_CLOSED  ? IOC_HTTP_E_PERIOD_CLOSED
                                                             : IOC_HTTP_E_INVALID_FIELD;
    char msg[400];
    snprintf(msg, sizeof msg,
             "Nothing was stored: %zu problem(s); the first, row %zu, column %s: %s.",
             p->im.refused, p->listed[0].row, p->listed[0].column, p->listed[0].why);
    if (e != IOC_HTTP_E_INVALID_FIELD)
        api_audit_async(c, "indicator.import", "file", "denied", msg);
    json_t *err =
        json_pack("{s:s, s:s, s:s, s:o, s:I}", "code", ioc_http_error_code(e), "message", msg,
                  "field", "file", "errors", list, "refused", (json_int_t)p->im.refused);
    api_json(c, ioc_http_error_status(e), json_pack("{s:o}", "error", err));
}

static void import_done(struct api_ctx *c, void *arg, int rc)
{
    struct imp *p = arg;
    if (rc == 0) /* durable: the target_missed rules */
        ind_alert_signal(c->api->alerts, p->signals.data, p->signals.len);
    ioc_buf_free(&p->signals);
    if (rc && p->nlisted) {
        send_refused(c, p);
    } else if ((rc == IOC_EINVAL || rc == IOC_ETOOBIG) && p->im.error[0]) {
        api_error_field(c, "file", "The file cannot be read: %s.", p->im.error);
    } else if (rc) {
        api_error_rc(c, rc, "import");
    } else {
        api_json(c, 200,
                 json_pack("{s:I, s:I, s:I, s:I}", "rows", (json_int_t)p->im.rows, "added",
                           (json_int_t)p->im.added, "revised", (json_int_t)p->im.revised,
                           "unchanged", (json_int_t)p->im.unchanged));
    }
}

static void h_import(struct api_ctx *c)
{
    if (api_query_only(c, (const char *const[]){"note", NULL}))
        return;
    size_t n = 0;
    const char *body = net_req_body(c->req, &n);
    if (!body || n == 0) {
        api_error_field(c, "file", "Send the file (CSV or XLSX) as the request body.");
        return;
    }
    const char *q = api_query(c, "note");
    char *nfc = NULL, *note = NULL;
    size_t nl = 0;
    if (q && (strlen(q) > NOTE_MAX || ioc_text_nfc(q, strlen(q), &nfc, &nl) != 0)) {
        api_error(c, IOC_HTTP_E_BAD_QUERY, "note must be UTF-8 text of at most %d bytes.",
                  NOTE_MAX);
        return;
    }
    if (nfc) { /* stored in NFC, kept in the request's pool */
        note = net_req_alloc(c->req, nl + 1);
        memcpy(note, nfc, nl + 1);
        free(nfc);
    }
    struct imp *p = net_req_alloc(c->req, sizeof *p);
    memset(p, 0, sizeof *p);
    p->caller = c->who;
    p->worst = IND_REFUSE_INVALID;
    api_audit_fill(c, &p->who, "indicator.import", "file", "ok");
    p->im = (struct ind_import){.data = body,
                                .len = n,
                                .caller = &p->caller,
                                .who = p->caller.name,
                                .source = c->who.kind == AUTH_KEY ? "api" : "imported",
                                .note = note ? note : "",
                                .audit = &p->who,
                                .problem = keep,
                                .ctx = p,
                                .signals = &p->signals};
    ioc_buf_init(&p->signals, 0);
    api_write(c, ind_values_import_job, p, import_done);
}

/* The indimport module of modules.c. */
static const struct api_route indimport_routes[] = {
    API_ROUTE_BODY("POST", "/api/v1/indicator-values/import", "indvalues.import", AUTH_SIGNED_IN,
                   "signed_in", "write:indicators", 0, h_import, import_max_body),
};

const struct api_module api_module_indimport =
    API_MODULE("indimport", indimport_routes, api_openapi_indimport);
