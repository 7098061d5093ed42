#ifndef AZORA_CARGON2_SHIM_H
#define AZORA_CARGON2_SHIM_H
#include <argon2.h>
#endif
