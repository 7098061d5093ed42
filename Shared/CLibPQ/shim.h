#ifndef AZORA_CLIBPQ_SHIM_H
#define AZORA_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
