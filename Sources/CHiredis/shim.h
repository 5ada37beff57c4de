#ifndef CHIREDIS_SHIM_H
#define CHIREDIS_SHIM_H
// hiredis 0.14 (Debian's libhiredis-dev): the RESP reader (read.h) and redisFormatCommandArgv.
#include <hiredis/hiredis.h>
#endif
