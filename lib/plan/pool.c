/* lib/plan/pool.c — work in progress. */
#include "internal.h"
