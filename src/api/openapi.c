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
        ".global api_openapi_json_end\n"
        "api_openapi_json_end:\n"
        ".byte 0\n"
        ".previous\n");
