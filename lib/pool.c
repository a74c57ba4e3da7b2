/* lib/pool.c — work in progress. */
#include "internal.h"
