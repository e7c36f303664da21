#ifndef APICENSUS_CZLIB_SHIM_H
#define APICENSUS_CZLIB_SHIM_H
#include <zlib.h>

// inflateInit2 is a macro in zlib.h; Swift cannot call macros, so expose it as a function.
static inline int apicensus_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
#endif
