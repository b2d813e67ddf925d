/*
 * fuzz_json — JSON request bodies as the API reads them: parse (duplicates refused, objects
 * only), then read every string member the way handlers do (UTF-8 check and NFC).
 *   build and run: make fuzz FUZZ_SECONDS=60   (or fuzz/run.sh replay)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    json_t *j = api_json_body_parse((const char *)data, size, err, sizeof err);
    if (!j)
        return 0;
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        if (!json_is_string(v))
            continue;
        char *nfc = NULL;
        size_t n = 0;
        if (ioc_text_nfc(json_string_value(v), json_string_length(v), &nfc, &n) == 0) {
            char *folded = ioc_text_fold(nfc, n);
            free(folded);
            free(nfc);
        }
    }
    json_decref(j);
    return 0;
}
