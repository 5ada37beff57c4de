#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H
#include <zlib.h>

// deflateInit2 and inflateInit2 are macros (they pass the library version and the struct size),
// which Swift cannot call: these wrappers can.
static inline int CZlib_deflateInit2(z_streamp stream, int level, int windowBits, int strategy) {
  return deflateInit2(stream, level, Z_DEFLATED, windowBits, 8, strategy);
}

static inline int CZlib_inflateInit2(z_streamp stream, int windowBits) {
  return inflateInit2(stream, windowBits);
}
#endif
