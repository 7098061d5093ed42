#ifndef AZORA_CHIREDIS_SHIM_H
#define AZORA_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#endif
