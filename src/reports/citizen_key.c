/*
 * citizen_key.c — the public citizen page's API key (reports.h, docs/reports.md "The citizen
 * page and its key"): one rule for the demo seed and `iocctl citizen key`: scope write:reports
 * only, kept in meta "citizen_key", the key it replaces revoked in the same transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "reports/reports.h"

#define CITIZEN_KEY_NAME "Trang phản ánh công khai /citizen"

/* Revokes the key meta "citizen_key" holds, if it is still valid; its id in *id (0: none). */
static int revoke_current(struct store_conn *w, const struct store_audit *who, int64_t *id)
{
    char *old = NULL;
    *id = 0;
    int rc = store_meta_get(w, "citizen_key", &old);
    if (rc == IOC_ENOTFOUND || (rc == 0 && (!old || !*old))) {
        free(old);
        return 0;
    }
    if (rc)
        return rc;
    struct auth_principal p;
    rc = auth_key_resolve(w, old, &p);
    free(old);
    if (rc == IOC_ENOTFOUND)
        return 0; /* revoked already, or from another database */
    if (rc)
        return rc;
    rc = store_apikey_revoke(w, p.key_id, ioc_now_ms());
    if (rc)
        return rc;
    struct store_audit a = *who;
    a.action = "key.revoke";
    a.target = p.name; /* "key:<prefix>" */
    a.outcome = "ok";
    a.detail = "{\"replaced\":\"citizen_key\"}";
    *id = p.key_id;
    return store_audit_add(w, &a);
}

int rep_citizen_key_job(struct store_conn *w, void *arg)
{
    struct rep_citizen_key *k = arg;
    k->field = NULL;
    k->id = k->replaced_id = 0;
    struct auth_key_new n = {.agency_code = k->agency_code,
                             .scopes = "write:reports",
                             .name = k->name ? k->name : CITIZEN_KEY_NAME,
                             .creator = AUTH_ROLE_ADMIN,
                             .who = k->who};
    if (!k->agency_code || !*k->agency_code) {
        k->field = "agency";
        return IOC_EINVAL;
    }
    int rc = auth_key_new_check(w, &n);
    if (rc == 0)
        rc = revoke_current(w, &k->who, &k->replaced_id);
    if (rc == 0)
        rc = auth_key_create_job(w, &n);
    if (rc == 0)
        rc = store_meta_set(w, "citizen_key", n.key);
    if (rc) {
        k->field = n.field;
        return rc;
    }
    k->id = n.id;
    memcpy(k->key, n.key, sizeof k->key);
    memcpy(k->prefix, n.prefix, sizeof k->prefix);
    return 0;
}
