/*
 * citizen.c — iocctl's command for the public citizen page's key (docs/reports.md "The citizen
 * page and its key"): `citizen-key set` issues a new write:reports key for /citizen and revokes
 * the one it replaces, `citizen-key show` prints the current one. The rule: src/reports
 * (rep_citizen_key_job). Audited (key.create, key.revoke).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "iocctl/iocctl_int.h"
#include "reports/reports.h"
#include "store/store.h"

#define CITIZEN_NAME_MAX 200

static int key_set(struct cli *c)
{
    int missing = 0;
    const char *agency = cli_opt(c, "--agency", &missing);
    const char *name = cli_opt(c, "--name", &missing);
    if (missing || cli_stray_option(c) || !agency || c->argc != 0)
        return cli_usage(c, "citizen-key set needs --agency CODE");
    char *text = name ? cli_text(name, CITIZEN_NAME_MAX) : NULL;
    if (name && !text)
        return cli_usage(c, "--name must be UTF-8 text of at most 200 bytes");
    if (cli_open(c, 0)) {
        free(text);
        return 1;
    }
    struct rep_citizen_key k = {
        .agency_code = agency,
        .name = text,
        .who = {.actor = "iocctl", .actor_role = "admin", .ip = "local", .request_id = ""}};
    int rc = store_tx(c->db, rep_citizen_key_job, &k);
    free(text);
    if (rc == IOC_EINVAL) {
        fprintf(stderr, "iocctl: citizen-key set: %s refused (no agency %s?)\n",
                k.field ? k.field : "the key", agency);
        return 1;
    }
    if (rc)
        return cli_report(rc, "citizen-key set");
    if (k.replaced_id)
        printf("key %lld revoked (the page's key before)\n", (long long)k.replaced_id);
    printf("key %lld created for %s (prefix %s, scope write:reports); the citizen page uses it "
           "now:\n%s\n",
           (long long)k.id, agency, k.prefix, k.key);
    sodium_memzero(k.key, sizeof k.key);
    return 0;
}

static int key_show(struct cli *c)
{
    if (cli_stray_option(c) || c->argc != 0)
        return cli_usage(c, "citizen-key show takes nothing");
    if (cli_open(c, 0))
        return 1;
    char *key = NULL;
    int rc = store_meta_get(c->db, "citizen_key", &key);
    if (rc == IOC_ENOTFOUND || (rc == 0 && (!key || !*key))) {
        free(key);
        printf("none: the citizen page is not set up (iocctl citizen-key set --agency CODE)\n");
        return 0;
    }
    if (rc)
        return cli_report(rc, "citizen-key show");
    printf("%s\n", key);
    free(key);
    return 0;
}

static int cmd_citizen_key(struct cli *c)
{
    static const struct cli_command subs[] = {{"set", key_set, NULL}, {"show", key_show, NULL}};
    return cli_subcommand(c, "citizen-key", subs, IOC_ARRAY_LEN(subs));
}

/* The citizen group of iocctl's commands (listed once in main.c). */
static const struct cli_command commands[] = {
    {"citizen-key", cmd_citizen_key,
     "  citizen-key set --agency CODE [--name TEXT]\n"
     "                                   a new key for the public citizen page (/citizen):\n"
     "                                   scope write:reports only, public by design; the key it\n"
     "                                   replaces is revoked at once (docs/reports.md)\n"
     "  citizen-key show                 the page's current key, or none\n"},
};

const struct cli_group cli_group_citizen = CLI_GROUP("citizen", commands);
