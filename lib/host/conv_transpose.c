/* lib/host/conv_transpose.c — work in progress. */
#include "internal.h"
