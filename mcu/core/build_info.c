/* build_info.c - the version and build id compiled into mcud (build_info.h). Only
 * this file gets MCUD_BUILD_ID from the Makefile, so a new commit rebuilds one file. */
#include "mcu/core/build_info.h"

#include "mcu/core/config.h"

#ifndef MCUD_BUILD_ID
#define MCUD_BUILD_ID "unknown"
#endif

const char *build_info_version(void) { return MCUD_VERSION; }
const char *build_info_id(void) { return MCUD_BUILD_ID; }
