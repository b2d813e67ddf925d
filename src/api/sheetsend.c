/*
 * sheetsend.c — a table (src/sheet) sent as CSV at once, or as XLSX written on the render worker
 * (libxlsxwriter goes through a temporary file: no disk on a loop). For the handlers that offer
 * format=csv|xlsx beside their JSON.
 */
#include "api/api_int.h"

#include <stdio.h>
#include <string.h>

#include "sheet/sheet.h"

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

struct xlsx_job {
    struct sheet_table *t;
    struct ioc_buf body;
    int rc;
    char disposition[160];
};

static void xlsx_free(void *arg)
{
    struct xlsx_job *j = arg;
    sheet_table_destroy(j->t);
    ioc_buf_free(&j->body);
}

static void xlsx_run(struct store_conn *db, void *arg)
{
    (void)db;
    struct xlsx_job *j = arg;
    j->rc = sheet_write_xlsx(j->t, &j->body);
}

static void xlsx_send(struct api_ctx *c, void *arg)
{
    struct xlsx_job *j = arg;
    if (j->rc) {
        api_error_rc(c, j->rc, "values");
        return;
    }
    net_res_header(c->req, "content-disposition", j->disposition);
    net_res_send(c->req, 200, XLSX_TYPE, j->body.data, j->body.len);
}

void api_send_sheet(struct api_ctx *c, struct sheet_table *t, int rc, int xlsx,
                    const char *filename)
{
    if (rc == 0 && xlsx) {
        struct xlsx_job *j = net_req_alloc(c->req, sizeof *j);
        memset(j, 0, sizeof *j);
        j->t = t;
        ioc_buf_init(&j->body, 0);
        snprintf(j->disposition, sizeof j->disposition, "attachment; filename=\"%s.xlsx\"",
                 filename);
        net_req_on_free(c->req, xlsx_free, j);
        api_worker_offload(c, c->api->renderer, xlsx_run, j, xlsx_send);
        return;
    }
    struct ioc_buf b;
    ioc_buf_init(&b, 0);
    if (rc == 0)
        rc = sheet_write_csv(t, &b);
    sheet_table_destroy(t);
    if (rc)
        api_error_rc(c, rc, "values");
    else
        net_res_send(c->req, 200, "text/csv; charset=utf-8", b.data, b.len);
    ioc_buf_free(&b);
}
