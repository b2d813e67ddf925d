/* Unit tests for src/config: defaults, file values, environment overrides, errors with lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "seed/seed.h"

static void test_defaults(void **state)
{
    (void)state;
    struct ioc_config c;
    assert_int_equal(config_defaults(&c), 0);
    assert_string_equal(c.listen, "127.0.0.1:8080");
    assert_int_equal(c.max_body, 1048576);
    assert_int_equal(c.gzip, 1);
    assert_int_equal(seed_settings_get(&c)->enabled, 0);
    assert_string_equal(seed_settings_get(&c)->units_dir, "data/vn-units");
    config_free(&c);
}

static void test_text(void **state)
{
    (void)state;
    struct ioc_config c;
    char err[256];
    assert_int_equal(config_defaults(&c), 0);
    const char *ok = "[server]\nlisten = 0.0.0.0:9000\nthreads = 3\n[http]\ngzip = off\n"
                     "[demo]\npassword_admin = \" two words \"\n";
    assert_int_equal(config_load_text(&c, ok, strlen(ok), "t.ini", err, sizeof err), 0);
    assert_string_equal(c.listen, "0.0.0.0:9000");
    assert_int_equal(c.threads, 3);
    assert_int_equal(c.gzip, 0);
    assert_string_equal(seed_settings_get(&c)->password_admin, " two words ");
    const char *bad = "[server]\nthreads = 65\n";
    assert_int_equal(config_load_text(&c, bad, strlen(bad), "t.ini", err, sizeof err), -3);
    assert_non_null(strstr(err, "t.ini:2: server.threads"));
    const char *unknown = "\n\n[http]\nspeed = fast\n";
    assert_int_equal(config_load_text(&c, unknown, strlen(unknown), "u.ini", err, sizeof err), -3);
    assert_non_null(strstr(err, "u.ini:4: unknown setting http.speed"));
    const char *boolbad = "[http]\ngzip = maybe\n";
    assert_int_equal(config_load_text(&c, boolbad, strlen(boolbad), "b.ini", err, sizeof err), -3);
    assert_non_null(strstr(err, "b.ini:2"));
    config_free(&c);
    config_free(&c); /* safe twice */
}

static void test_env(void **state)
{
    (void)state;
    struct ioc_config c;
    char err[256];
    assert_int_equal(config_defaults(&c), 0);
    setenv("IOC_HTTP_MAX_BODY", "2048", 1);
    setenv("IOC_AUTH_COOKIE_SECURE", "yes", 1);
    assert_int_equal(config_load(&c, NULL, err, sizeof err), 0);
    assert_int_equal(c.max_body, 2048);
    assert_int_equal(c.cookie_secure, 1);
    setenv("IOC_HTTP_MAX_BODY", "12", 1);
    assert_int_equal(config_load(&c, NULL, err, sizeof err), -3);
    assert_non_null(strstr(err, "IOC_HTTP_MAX_BODY"));
    unsetenv("IOC_HTTP_MAX_BODY");
    unsetenv("IOC_AUTH_COOKIE_SECURE");
    assert_int_equal(config_load(&c, "/nonexistent/ioc.ini", err, sizeof err), -3);
    assert_non_null(strstr(err, "/nonexistent/ioc.ini"));
    config_free(&c);
}

/* An integer setting is exactly a decimal number: no sign, space or other base is skipped over. */
static void test_int_setting_refuses_sign_and_space(void **state)
{
    (void)state;
    struct ioc_config c;
    char err[256];
    assert_int_equal(config_defaults(&c), 0);
    static const char *const bad[] = {"+4", " 4", "\t4", "0x4", "4.0", "", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(config_set(&c, "server", "threads", bad[i], err, sizeof err), -3);
        assert_non_null(strstr(err, "server.threads: expected an integer from 0 to 64"));
        assert_int_equal(c.threads, 0);
    }
    assert_int_equal(config_set(&c, "server", "threads", "04", err, sizeof err), 0);
    assert_int_equal(c.threads, 4);
    assert_int_equal(config_set(&c, "http", "max_body", "4294967296", err, sizeof err), 0);
    assert_int_equal(c.max_body, (int64_t)1 << 32);
    assert_int_equal(config_set(&c, "http", "max_body", "4294967297", err, sizeof err), -3);
    config_free(&c);
}

/* A module's rows ([demo] of the seed module) are read from files, the environment and
 * config_set into the module's own struct, and freed with the configuration. */
static void test_module_settings_are_set_in_the_module_struct(void **state)
{
    (void)state;
    struct ioc_config c;
    char err[256];
    assert_int_equal(config_defaults(&c), 0);
    const struct seed_settings *d = seed_settings_get(&c);
    assert_non_null(d);
    assert_int_equal(d->enabled, 0);
    const char *ini = "[demo]\nunits_dir = /srv/units\nenabled = yes\n";
    assert_int_equal(config_load_text(&c, ini, strlen(ini), "m.ini", err, sizeof err), 0);
    assert_string_equal(d->units_dir, "/srv/units");
    assert_int_equal(d->enabled, 1);
    setenv("IOC_DEMO_PASSWORD_STAFF", "from-env-123", 1);
    assert_int_equal(config_load(&c, NULL, err, sizeof err), 0);
    unsetenv("IOC_DEMO_PASSWORD_STAFF");
    assert_string_equal(d->password_staff, "from-env-123");
    assert_int_equal(config_set(&c, "demo", "enabled", "maybe", err, sizeof err), -3);
    assert_non_null(strstr(err, "demo.enabled"));
    config_free(&c);
    assert_null(config_module_get(&c, config_modules[0]));
}

static const struct config_setting clash_rows[] = {
    {"http", "speed", CONFIG_INT, 0, "1", 0, 9, "A module's row in the platform's section."},
};
static const struct config_setting own_rows[] = {
    {"mod_a", "speed", CONFIG_INT, 0, "1", 0, 9, "A row of module a."},
};

static void test_module_in_a_section_of_the_platform_is_refused(void **state)
{
    (void)state;
    const struct config_module clash = CONFIG_MODULE("clash", int, clash_rows);
    const struct config_module *mods[] = {&clash};
    char err[256] = "";
    assert_int_equal(config_modules_check(mods, 1, err, sizeof err), -3);
    assert_non_null(strstr(err, "http.speed of clash: the section is taken by the platform"));
}

static void test_two_modules_in_one_section_are_refused(void **state)
{
    (void)state;
    const struct config_module a = CONFIG_MODULE("a", int, own_rows);
    const struct config_module b = CONFIG_MODULE("b", int, own_rows);
    const struct config_module *mods[] = {&a, &b};
    char err[256] = "";
    assert_int_equal(config_modules_check(mods, 1, err, sizeof err), 0);
    assert_int_equal(config_modules_check(mods, 2, err, sizeof err), -3);
    assert_non_null(strstr(err, "mod_a.speed of b"));
    assert_int_equal(config_modules_check(config_modules, config_modules_count, err, sizeof err),
                     0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_module_settings_are_set_in_the_module_struct),
        cmocka_unit_test(test_module_in_a_section_of_the_platform_is_refused),
        cmocka_unit_test(test_two_modules_in_one_section_are_refused),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_env),
        cmocka_unit_test(test_int_setting_refuses_sign_and_space),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
