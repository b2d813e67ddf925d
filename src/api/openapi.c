/*
 * openapi.c — embeds src/api/openapi.json (the OpenAPI 3 description of every route) into the
 * binary, so /api/openapi.json is served from memory and the file cannot drift from the build.
 * The Makefile makes this object depend on the JSON file.
 */
#include "api/api_int.h"

__asm__(".section .rodata\n"
        ".global api_openapi_json\n"
        "api_openapi_json:\n"
        ".incbin \"src/api/openapi.json\"\n"
        "api_openapi_json_end:\n"
        ".byte 0\n"
        ".balign 8\n"
        ".global api_openapi_json_size\n"
        "api_openapi_json_size:\n"
        ".quad api_openapi_json_end - api_openapi_json\n"
        ".previous\n");
