/*
 * fuzz_ini — the configuration file: INI parsing and every setting's checks.
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 */
#include <stdint.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ioc_config c;
    char err[512];
    if (config_defaults(&c) != 0)
        return 0;
    config_load_text(&c, (const char *)data, size, "fuzz.ini", err, sizeof err);
    config_free(&c);
    return 0;
}
