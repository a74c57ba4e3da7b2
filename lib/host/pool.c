/* lib/host/pool.c — work in progress. */
#include "internal.h"
