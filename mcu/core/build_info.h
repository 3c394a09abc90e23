/* build_info.h - what mcud was built from, for /metrics (hoinghi_build_info): the
 * version, and the build id the Makefile gives (`git rev-parse --short=12 HEAD` of
 * the tree, "unknown" when it was not built from git). */
#ifndef HOINGHI_BUILD_INFO_H
#define HOINGHI_BUILD_INFO_H

const char *build_info_version(void);
const char *build_info_id(void);

#endif
