#ifndef APICENSUS_CZLIB_SHIM_H
#define APICENSUS_CZLIB_SHIM_H
#include <zlib.h>

// inflateInit2 is a macro in zlib.h; Swift cannot call macros, so expose it as a function.
static inline int apicensus_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
// deflateInit2 is a macro as well; used to write gzip files (`apicensus generate --gzip`).
static inline int apicensus_deflateInit2(z_streamp strm, int level, int windowBits) {
    return deflateInit2(strm, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
#endif
