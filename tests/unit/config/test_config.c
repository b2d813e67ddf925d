/* Unit tests for src/config: defaults, file values, environment overrides, errors with lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

static void test_defaults(void **state)
{
    (void)state;
    struct ioc_config c;
    assert_int_equal(config_defaults(&c), 0);
    assert_string_equal(c.listen, "127.0.0.1:8080");
    assert_int_equal(c.max_body, 1048576);
    assert_int_equal(c.gzip, 1);
    assert_int_equal(c.demo, 0);
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
    assert_string_equal(c.password_admin, " two words ");
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_env),
        cmocka_unit_test(test_int_setting_refuses_sign_and_space),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
