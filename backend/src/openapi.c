/*
 * openapi.c: GET /api/v1/openapi.json, the OpenAPI 3.1 description of API v1.
 *
 * backend/openapi.json is embedded in the binary at build time with the assembler's .incbin, so
 * the server never reads it from a working directory. CMakeLists.txt passes its absolute path as
 * MIC_OPENAPI_PATH and makes this file recompile when the document changes. The document is
 * followed by a NUL byte that openapi_json_end points at, so the length excludes it.
 */
#include "mic.h"

#ifndef MIC_OPENAPI_PATH
#error "MIC_OPENAPI_PATH must name backend/openapi.json (set by CMakeLists.txt)"
#endif

__asm__(
    ".pushsection .rodata\n"
    ".balign 16\n"
    ".hidden openapi_json_start\n"
    ".hidden openapi_json_end\n"
    ".globl openapi_json_start\n"
    ".globl openapi_json_end\n"
    ".type openapi_json_start, %object\n"
    "openapi_json_start:\n"
    ".incbin \"" MIC_OPENAPI_PATH "\"\n"
    "openapi_json_end:\n"
    ".byte 0\n"
    ".size openapi_json_start, . - openapi_json_start\n"
    ".popsection\n");

extern const char openapi_json_start[];
extern const char openapi_json_end[];

void handle_openapi(struct req *r)
{
	reply_header(r, "Cache-Control", "public, max-age=300");
	reply_raw(r, 200, "application/json; charset=utf-8", openapi_json_start,
	    (size_t)(openapi_json_end - openapi_json_start));
}
