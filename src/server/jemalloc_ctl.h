#pragma once
// jemalloc's control interface, for the code that reads its statistics (INFO) or sets its
// options (jemalloc-bg-thread). Declared weak, so that binaries linking corvid_lib without
// jemalloc (unit tests) still link: `mallctl` is then null and callers fall back.

#include <cstddef>

#if defined(CORVID_JEMALLOC)
extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen)
    __attribute__((weak));
#endif
