#include "clresample.h"
#include <stdio.h>
int main(void) { size_t n; clrs_device_list(NULL, 0, &n); printf("%zu\n", n); return 0; }
