/* host/interpolate_rows_real.h — the row engine (host/interpolate_rows.h) instantiated for
 * f32 and f64, which compute in their own type and write straight into the destination. The
 * includer defines RW_REAL(t), the name suffix for dtype t (host/interpolate.c: t for the
 * default build, t##_avx512 for the AVX-512 instance, with RW_ATTR); never on its own. */
#define RW_SFX RW_REAL(f32)
#define RW_ST float
#define RW_ACC float
#define RW_LOAD CLRS_H_LOAD_f32
#define RW_STORE CLRS_H_STORE_f32
#define RW_DIRECT 1
#include "host/interpolate_rows.h"
#define RW_SFX RW_REAL(f64)
#define RW_ST double
#define RW_ACC double
#define RW_LOAD CLRS_H_LOAD_f64
#define RW_STORE CLRS_H_STORE_f64
#define RW_DIRECT 1
#include "host/interpolate_rows.h"
