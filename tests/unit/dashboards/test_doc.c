/* Unit tests for src/dashboards: each rule of a dashboard document refuses with the JSON path of
 * the member at fault and why; a good document passes and comes back canonical (NFC, grid filled
 * in, read-only members dropped, members in order), and its canonical text checks to itself;
 * the lookups decide what exists and their errors stop the check. Documents are written with '
 * for " (q()). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "dashboards/dashboards.h"

/* ---- a fake catalogue ------------------------------------------------------------------- */

static int lookup_calls;
static int in(const char *code, const char *const *list)
{
    lookup_calls++;
    for (size_t i = 0; list[i]; i++)
        if (strcmp(code, list[i]) == 0)
            return 1;
    return 0;
}
static int fake_indicator(void *ctx, const char *code)
{
    (void)ctx;
    return in(code, (const char *const[]){"CCHC.A", "CCHC.B", "CCHC.C", "YT.GIUONG", NULL});
}
static int fake_domain(void *ctx, const char *code)
{
    (void)ctx;
    return in(code, (const char *const[]){"CCHC", "YT", NULL});
}
static int fake_unit(void *ctx, const char *code)
{
    (void)ctx;
    return in(code, (const char *const[]){"75", "26734", NULL});
}
static int failing(void *ctx, const char *code)
{
    (void)ctx;
    (void)code;
    return IOC_EIO;
}
static const struct dash_lookup lk = {fake_indicator, fake_unit, fake_domain, NULL};

/* s with every ' turned into " (static buffer: one at a time). */
static const char *q(const char *s)
{
    static char buf[1 << 17];
    size_t n = strlen(s);
    assert_true(n < sizeof buf);
    for (size_t i = 0; i <= n; i++)
        buf[i] = s[i] == '\'' ? '"' : s[i];
    return buf;
}

#define HEAD "{'version':1,'id':'d1','title_vi':'Tổng quan','domain':'CCHC',"
#define DOC(panels) HEAD "'panels':[" panels "]}"
#define NUM(id, x, y, w, h)                                                                        \
    "{'id':'" id "','type':'number','x':" #x ",'y':" #y ",'w':" #w ",'h':" #h                      \
    ",'indicator':'CCHC.A'}"
#define P0(rest) DOC("{'id':'p','x':0,'y':0,'w':4,'h':2," rest "}")

static void bad(const char *json, const char *path, const char *why)
{
    struct dash_doc d;
    struct dash_problem p;
    const char *text = q(json);
    int rc = dash_parse(text, strlen(text), &lk, &d, &p);
    if (rc != IOC_EINVAL)
        fail_msg("accepted (rc %d), expected %s: %s", rc, path, json);
    if (strcmp(p.path, path) != 0 || !strstr(p.why, why))
        fail_msg("got '%s': %s\nexpected '%s': ...%s...\nfor %s", p.path, p.why, path, why, json);
}

static void good(const char *json, struct dash_doc *d)
{
    struct dash_problem p;
    const char *text = q(json);
    int rc = dash_parse(text, strlen(text), &lk, d, &p);
    if (rc)
        fail_msg("refused (%d) at '%s': %s\nfor %s", rc, p.path, p.why, json);
}

/* ---- the document as a whole ------------------------------------------------------------ */

static void test_document_must_be_a_json_object_within_limits(void **state)
{
    (void)state;
    bad("[1,2]", "", "JSON object");
    bad("{'version':1,", "", "Not JSON: line 1");
    bad("{'version':1,'version':1}", "", "duplicate");
    bad(HEAD "'colour':'red','panels':[]}", "colour", "not a member");
    char *big = malloc(DASH_MAX_BYTES + 512);
    assert_non_null(big);
    size_t n = (size_t)snprintf(big, 256, "%s", q(HEAD "'panels':[],'x':'"));
    assert_true(n < 256);
    memset(big + n, 'a', DASH_MAX_BYTES);
    strcpy(big + n + DASH_MAX_BYTES, "\"}");
    struct dash_doc d;
    struct dash_problem p;
    assert_int_equal(dash_parse(big, strlen(big), &lk, &d, &p), IOC_EINVAL);
    assert_string_equal(p.path, "");
    assert_non_null(strstr(p.why, "larger than"));
    free(big);
}

static void test_version_id_and_titles(void **state)
{
    (void)state;
    bad("{'id':'d1','title_vi':'A','panels':[]}", "version", "Required");
    bad("{'version':2,'id':'d1','title_vi':'A','panels':[]}", "version", "reads version 1");
    bad("{'version':'1','id':'d1','title_vi':'A','panels':[]}", "version", "integer");
    bad("{'version':1,'title_vi':'A','panels':[]}", "id", "Required");
    bad("{'version':1,'id':'Bad_Id','title_vi':'A','panels':[]}", "id", "a-z, 0-9");
    bad("{'version':1,'id':'-x','title_vi':'A','panels':[]}", "id", "a-z, 0-9");
    bad("{'version':1,'id':'"
        "a123456789a123456789a123456789a123456789a123456789a123456789abcde',"
        "'title_vi':'A','panels':[]}",
        "id", "");
    bad("{'version':1,'id':'d1','panels':[]}", "title_vi", "Required");
    bad("{'version':1,'id':'d1','title_vi':'   ','panels':[]}", "title_vi", "empty");
    bad("{'version':1,'id':'d1','title_vi':'A\\u0007B','panels':[]}", "title_vi", "control");
    bad("{'version':1,'id':'d1','title_vi':'A\\u202eB','panels':[]}", "title_vi", "bidirectional");
    bad("{'version':1,'id':'d1','title_vi':'A','title_en':7,'panels':[]}", "title_en", "string");
    char json[512];
    snprintf(json, sizeof json, "{'version':1,'id':'d1','title_vi':'%0201d','panels':[]}", 0);
    bad(json, "title_vi", "Longer than 200 bytes");
    bad("{'version':1,'id':'d1','title_vi':'A','description_vi':'a\\u0001','panels':[]}",
        "description_vi", "control");
}

static void test_domain_tags_and_grid(void **state)
{
    (void)state;
    bad("{'version':1,'id':'d1','title_vi':'A','domain':'XX','panels':[]}", "domain",
        "No domain has code 'XX'");
    bad("{'version':1,'id':'d1','title_vi':'A','domain':'cchc','panels':[]}", "domain",
        "domain's code");
    bad("{'version':1,'id':'d1','title_vi':'A','domain':1,'panels':[]}", "domain", "null");
    bad(HEAD "'tags':'a','panels':[]}", "tags", "array");
    bad(HEAD "'tags':['a',''],'panels':[]}", "tags[1]", "empty");
    bad(HEAD "'tags':['a',3],'panels':[]}", "tags[1]", "string");
    bad(HEAD "'tags':['1','2','3','4','5','6','7','8','9','10','11','12','13','14','15','16','17'],"
             "'panels':[]}",
        "tags", "At most 16");
    bad(HEAD "'grid':{'columns':0},'panels':[]}", "grid.columns", "from 1 to 24");
    bad(HEAD "'grid':{'columns':25},'panels':[]}", "grid.columns", "from 1 to 24");
    bad(HEAD "'grid':{'rows':3},'panels':[]}", "grid.rows", "not a member");
    bad(HEAD "'grid':[],'panels':[]}", "grid", "object");
}

static void test_panels_array_and_count(void **state)
{
    (void)state;
    bad(HEAD "'grid':{'columns':12}}", "panels", "Required");
    bad(HEAD "'panels':{}}", "panels", "array");
    bad(DOC("3"), "panels[0]", "JSON object");
    char json[8192];
    size_t n = (size_t)snprintf(json, sizeof json, "%s", HEAD "'grid':{'columns':1},'panels':[");
    for (int i = 0; i < DASH_MAX_PANELS + 1; i++)
        n += (size_t)snprintf(json + n, sizeof json - n,
                              "%s{'id':'p%d','type':'text','x':0,'y':%d,'w':1,'h':1,'text_vi':'t'}",
                              i ? "," : "", i, i);
    snprintf(json + n, sizeof json - n, "]}");
    bad(json, "panels", "At most 48");
    /* 48 fit (rows 0..47) */
    char *cut = strstr(json, ",{'id':'p48'");
    assert_non_null(cut);
    strcpy(cut, "]}");
    struct dash_doc d;
    good(json, &d);
    assert_int_equal(d.panels, 48);
    dash_doc_clear(&d);
}

/* ---- panels ------------------------------------------------------------------------------ */

static void test_panel_id_type_and_members(void **state)
{
    (void)state;
    bad(DOC("{'type':'number','x':0,'y':0,'w':1,'h':1,'indicator':'CCHC.A'}"), "panels[0].id",
        "Required");
    bad(DOC("{'id':'P1','type':'number','x':0,'y':0,'w':1,'h':1,'indicator':'CCHC.A'}"),
        "panels[0].id", "a-z");
    bad(DOC(NUM("a", 0, 0, 2, 2) "," NUM("a", 4, 0, 2, 2)), "panels[1].id",
        "panels[0] has the same id");
    bad(DOC("{'id':'a','type':'pie','x':0,'y':0,'w':1,'h':1,'indicator':'CCHC.A'}"),
        "panels[0].type", "Must be number, line");
    bad(DOC("{'id':'a','x':0,'y':0,'w':1,'h':1,'indicator':'CCHC.A'}"), "panels[0].type",
        "Required");
    bad(DOC("{'id':'a','type':'number','x':0,'y':0,'w':1,'h':1,'indicator':'CCHC.A','z':1}"),
        "panels[0].z", "not a member");
}

static void test_panel_inside_the_grid_and_not_overlapping(void **state)
{
    (void)state;
    bad(DOC(NUM("a", 10, 0, 3, 2)), "panels[0].w", "past the grid's 12 columns");
    bad(DOC(NUM("a", 12, 0, 1, 2)), "panels[0].x", "from 0 to 11");
    bad(DOC(NUM("a", 0, 0, 0, 2)), "panels[0].w", "from 1 to 12");
    bad(DOC(NUM("a", 0, 0, 2, 0)), "panels[0].h", "from 1 to 96");
    bad(DOC(NUM("a", 0, 90, 2, 7)), "panels[0].h", "past row 96");
    bad(DOC(NUM("a", -1, 0, 2, 2)), "panels[0].x", "from 0");
    bad(DOC(NUM("a", 1.5, 0, 2, 2)), "panels[0].x", "integer");
    bad(DOC("{'id':'a','type':'number','y':0,'w':1,'h':1,'indicator':'CCHC.A'}"), "panels[0].x",
        "Required");
    bad(DOC(NUM("a", 0, 0, 4, 2) "," NUM("b", 3, 1, 4, 2)), "panels[1]",
        "Overlaps panels[0] ('a')");
    /* touching edges do not overlap; a wider grid allows more columns */
    struct dash_doc d;
    good(DOC(NUM("a", 0, 0, 4, 2) "," NUM("b", 4, 0, 4, 2) "," NUM("c", 0, 2, 4, 2)), &d);
    assert_int_equal(d.panels, 3);
    dash_doc_clear(&d);
    good(HEAD "'grid':{'columns':24},'panels':[" NUM("a", 20, 0, 4, 2) "]}", &d);
    dash_doc_clear(&d);
}

static void test_panel_indicators_by_type(void **state)
{
    (void)state;
    bad(P0("'type':'number','indicator':'CCHC.Z'"), "panels[0].indicator",
        "No indicator has code 'CCHC.Z'");
    bad(P0("'type':'number','indicator':'a b'"), "panels[0].indicator", "indicator's code");
    bad(P0("'type':'gauge'"), "panels[0].indicator", "Required");
    bad(P0("'type':'table','indicators':['CCHC.A']"), "panels[0].indicators", "use indicator");
    bad(P0("'type':'line','indicator':'CCHC.A','indicators':['CCHC.B'],'period':'last12'"),
        "panels[0].indicator", "indicator or indicators");
    bad(P0("'type':'line','period':'last12'"), "panels[0].indicator", "indicator or indicators");
    bad(P0("'type':'line','indicators':['CCHC.A','CCHC.A'],'period':'last12'"),
        "panels[0].indicators[1]", "twice");
    bad(P0("'type':'bar','indicators':['CCHC.A','CCHC.B','CCHC.Q']"), "panels[0].indicators[2]",
        "No indicator");
    bad(P0("'type':'bar','indicators':[]"), "panels[0].indicators", "1 to 8");
    bad(P0("'type':'bar','indicators':['1','2','3','4','5','6','7','8','9']"),
        "panels[0].indicators", "1 to 8");
    bad(P0("'type':'text','text_vi':'x','indicator':'CCHC.A'"), "panels[0].indicator",
        "text panel shows no indicator");
    bad(P0("'type':'text'"), "panels[0].text_vi", "Required");
    bad(P0("'type':'text','text_vi':'x','unit':'province'"), "panels[0].unit", "text panel");
    bad(P0("'type':'number','indicator':'CCHC.A','text_vi':'x'"), "panels[0].text_vi",
        "Only a text panel");
}

static void test_panel_unit_and_period(void **state)
{
    (void)state;
    bad(P0("'type':'number','indicator':'CCHC.A','unit':'tinh'"), "panels[0].unit", "province");
    bad(P0("'type':'number','indicator':'CCHC.A','unit':'99999'"), "panels[0].unit",
        "No unit has code '99999'");
    bad(P0("'type':'number','indicator':'CCHC.A','period':'last0'"), "panels[0].period", "lastN");
    bad(P0("'type':'number','indicator':'CCHC.A','period':'last121'"), "panels[0].period", "lastN");
    bad(P0("'type':'number','indicator':'CCHC.A','period':'2025-13'"), "panels[0].period", "YYYY");
    bad(P0("'type':'number','indicator':'CCHC.A','period':'2025-Q5'"), "panels[0].period", "YYYY");
    bad(P0("'type':'number','indicator':'CCHC.A','period':5"), "panels[0].period", "YYYY");
    bad(P0("'type':'line','indicator':'CCHC.A','period':'latest'"), "panels[0].period",
        "needs a range");
    bad(P0("'type':'bar','indicator':'CCHC.A','period':'2025-07','options':{'by':'period'}"),
        "panels[0].period", "needs a range");
    const char *ok[] = {"latest",  "year", "last1",   "last36",
                        "last120", "2025", "2025-07", "2025-Q3"};
    for (size_t i = 0; i < IOC_ARRAY_LEN(ok); i++) {
        char doc[600];
        snprintf(doc, sizeof doc, "%s%s%s",
                 HEAD "'panels':[{'id':'p','x':0,'y':0,'w':4,'h':2,'type':'number',"
                      "'indicator':'CCHC.A','period':'",
                 ok[i], "'}]}");
        struct dash_doc d;
        good(doc, &d);
        dash_doc_clear(&d);
    }
    struct dash_doc d;
    good(P0("'type':'choropleth','indicator':'CCHC.A','unit':'$unit'"), &d);
    dash_doc_clear(&d);
    good(P0("'type':'table','indicator':'CCHC.A','unit':'26734'"), &d);
    dash_doc_clear(&d);
}

static void test_panel_options_by_type(void **state)
{
    (void)state;
    bad(P0("'type':'number','indicator':'CCHC.A','options':{'colour':1}"),
        "panels[0].options.colour", "Not an option of a number panel");
    bad(P0("'type':'number','indicator':'CCHC.A','options':{'limit':5}"), "panels[0].options.limit",
        "Not an option");
    bad(P0("'type':'number','indicator':'CCHC.A','options':[]"), "panels[0].options", "object");
    bad(P0("'type':'number','indicator':'CCHC.A','options':{'lights':1}"),
        "panels[0].options.lights", "true or false");
    bad(P0("'type':'table','indicator':'CCHC.A','options':{'limit':0}"), "panels[0].options.limit",
        "from 1 to 200");
    bad(P0("'type':'table','indicator':'CCHC.A','options':{'order':'up'}"),
        "panels[0].options.order", "one of");
    bad(P0("'type':'gauge','indicator':'CCHC.A','options':{'min':'0'}"), "panels[0].options.min",
        "number");
    bad(P0("'type':'gauge','indicator':'CCHC.A','options':{'min':10,'max':10}"),
        "panels[0].options.max", "greater than min");
    bad(P0("'type':'text','text_vi':'x','options':{'decimals':1}"), "panels[0].options.decimals",
        "Not an option of a text panel");
    struct dash_doc d;
    good(P0("'type':'gauge','indicator':'CCHC.A','options':{'max':100.5,'min':0,'decimals':1}"),
         &d);
    assert_non_null(strstr(d.text, "\"options\":{\"min\":0,\"max\":100.5,\"decimals\":1}"));
    dash_doc_clear(&d);
}

/* ---- what passes ------------------------------------------------------------------------- */

static void test_canonical_form_is_stable_and_normalised(void **state)
{
    (void)state;
    /* decomposed "Tổng" (o + circumflex + hook above), members out of order, read-only members,
     * no grid, spaces around the title */
    const char *in =
        "{'panels':[{'indicator':'CCHC.A','h':2,'w':3,'y':0,'x':0,'type':'number','id':'a',"
        "'title_vi':' To\\u0302\\u0309ng '}],'revision':7,'updated_at':'x','updated_by':'y',"
        "'tags':['Tổng quan','b'],'domain':null,'title_vi':'To\\u0302\\u0309ng quan ',"
        "'id':'d1','version':1}";
    struct dash_doc d;
    good(in, &d);
    const char *want = "{\"version\":1,\"id\":\"d1\",\"title_vi\":\"Tổng quan\",\"domain\":null,"
                       "\"tags\":[\"Tổng quan\",\"b\"],\"grid\":{\"columns\":12},\"panels\":"
                       "[{\"id\":\"a\",\"type\":\"number\",\"title_vi\":\"Tổng\",\"x\":0,\"y\":0,"
                       "\"w\":3,\"h\":2,\"indicator\":\"CCHC.A\"}]}";
    assert_string_equal(d.text, want);
    assert_int_equal(d.text_len, strlen(want));
    assert_string_equal(d.id, "d1");
    assert_string_equal(d.title_vi, "Tổng quan");
    assert_string_equal(d.title_en, "");
    assert_string_equal(d.domain, "");
    assert_string_equal(d.tags, "Tổng quan\nb");
    assert_int_equal(d.panels, 1);
    struct dash_doc again;
    struct dash_problem p;
    assert_int_equal(dash_parse(d.text, d.text_len, &lk, &again, &p), 0);
    assert_string_equal(again.text, d.text);
    dash_doc_clear(&again);
    dash_doc_clear(&d);
}

static void test_lookups_decide_and_their_errors_stop_the_check(void **state)
{
    (void)state;
    const char *json = q(DOC(NUM("a", 0, 0, 2, 2)));
    struct dash_doc d;
    struct dash_problem p;
    /* without lookups only the form is checked */
    const char *unknown = q(P0("'type':'number','indicator':'NOPE.X','unit':'123'"));
    assert_int_equal(dash_parse(unknown, strlen(unknown), NULL, &d, &p), 0);
    dash_doc_clear(&d);
    json = q(DOC(NUM("a", 0, 0, 2, 2)));
    struct dash_lookup broken = {failing, fake_unit, fake_domain, NULL};
    assert_int_equal(dash_parse(json, strlen(json), &broken, &d, &p), IOC_EIO);
    broken = (struct dash_lookup){fake_indicator, fake_unit, failing, NULL};
    assert_int_equal(dash_parse(json, strlen(json), &broken, &d, &p), IOC_EIO);
    lookup_calls = 0;
    assert_int_equal(dash_parse(json, strlen(json), &lk, &d, &p), 0);
    assert_int_equal(lookup_calls, 2); /* the domain and the one indicator */
    dash_doc_clear(&d);
}

static void test_id_rule(void **state)
{
    (void)state;
    assert_true(dash_id_valid("cchc-tong-quan"));
    assert_true(dash_id_valid("0"));
    assert_false(dash_id_valid(""));
    assert_false(dash_id_valid("-a"));
    assert_false(dash_id_valid("a_b"));
    assert_false(dash_id_valid("Ab"));
    assert_false(dash_id_valid("a/b"));
    char id[DASH_ID_MAX + 2];
    memset(id, 'a', sizeof id - 1);
    id[DASH_ID_MAX] = '\0';
    assert_true(dash_id_valid(id));
    id[DASH_ID_MAX] = 'a';
    id[DASH_ID_MAX + 1] = '\0';
    assert_false(dash_id_valid(id));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document_must_be_a_json_object_within_limits),
        cmocka_unit_test(test_version_id_and_titles),
        cmocka_unit_test(test_domain_tags_and_grid),
        cmocka_unit_test(test_panels_array_and_count),
        cmocka_unit_test(test_panel_id_type_and_members),
        cmocka_unit_test(test_panel_inside_the_grid_and_not_overlapping),
        cmocka_unit_test(test_panel_indicators_by_type),
        cmocka_unit_test(test_panel_unit_and_period),
        cmocka_unit_test(test_panel_options_by_type),
        cmocka_unit_test(test_canonical_form_is_stable_and_normalised),
        cmocka_unit_test(test_lookups_decide_and_their_errors_stop_the_check),
        cmocka_unit_test(test_id_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
