/* fuzz_common.h — shared decoding and checking for the libFuzzer targets (tests/fuzz/).
 *
 * The input bytes are read front to back (zeros once they run out) into parameters and
 * tensor descriptors, with extreme values mixed in (INT64_MIN/MAX, CLRS_DEFAULT, 0, -1,
 * NaN/inf, invalid enums, invalid dtypes, ndims, strides, offsets and contiguous flags).
 * Every tensor gets host memory of exactly the bytes its layout reaches (malloc'd, so
 * AddressSanitizer catches any access past it), or data = NULL when that is over the caps.
 *
 * After each call fz_check() enforces the library's contract and abort()s on a violation:
 *   - the status is a known one; the message is "" on CLRS_OK and non-empty otherwise;
 *   - on failure no byte of any buffer changed (outputs were filled with a canary);
 *   - on success only bytes of output elements changed, no accepted tensor broke the tensor
 *     rules (as the harness computes them independently), and no output element shares a
 *     byte with another output element or with an input element. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "clresample.h"

/* ---- input bytes ---- */
typedef struct {
    const uint8_t *p;
    size_t n;
} fz_in;

uint8_t fz_u8(fz_in *in);
uint32_t fz_u32(fz_in *in);
uint64_t fz_u64(fz_in *in);
/* byte % n (n >= 1) */
int fz_pick(fz_in *in, int n);
/* 1 with probability about 1/n */
int fz_rare(fz_in *in, int n);
/* Any int64: mostly small (0..8), else INT64_MIN (= CLRS_DEFAULT), INT64_MAX, 2^31, 2^32,
 * 2^62, raw bits, ... */
int64_t fz_i64(fz_in *in);
/* A size: mostly 1..6, sometimes 0, sometimes fz_i64. */
int64_t fz_size(fz_in *in);
/* A pooling / convolution parameter: mostly small or CLRS_DEFAULT, sometimes fz_i64. */
int64_t fz_param(fz_in *in);
/* A C int flag or enum: mostly 0..nvalid-1, sometimes -1, nvalid, INT_MIN, INT_MAX, raw. */
int fz_enum(fz_in *in, int nvalid);
/* A flag that takes -1 (None), 0, 1, or an invalid value now and then. */
int fz_tristate(fz_in *in);
/* A double: small ratios, 0, -1, NaN, +-inf, 1e300, denormals, raw bits. */
double fz_double(fz_in *in);

/* ---- the host context (created once in LLVMFuzzerInitialize) ---- */
extern clrs_context *fz_host_ctx;
/* The context to pass: fz_host_ctx, or now and then NULL. */
clrs_context *fz_ctx(fz_in *in);

/* ---- tensors ---- */
typedef struct {
    clrs_tensor t;
    int present;     /* 0: the call gets NULL */
    int out;         /* the call writes it (set by fz_tensor_make) */
    int valid;       /* the harness's verdict: the library may accept this layout */
    int buf;         /* buffer index, -1 for none */
    int64_t numel;   /* when valid */
} fz_tensor;

/* Starts a new input: frees the previous input's buffers. */
void fz_begin(void);
/* Decodes a tensor. ndim_hint / dtype_hint / shape_hint (ndim_hint entries, may be NULL) are
 * what a valid call would pass; the decoder mostly follows them and sometimes does not.
 * optional: the tensor may be NULL with probability about 1/4 (else about 1/40). */
void fz_tensor_make(fz_in *in, fz_tensor *t, int ndim_hint, clrs_dtype dtype_hint,
                    const int64_t *shape_hint, int out, int optional);
static inline const clrs_tensor *fz_ptr(const fz_tensor *t) { return t->present ? &t->t : NULL; }

/* A plain caller buffer of `bytes` bytes (shape arrays, size_t results), canary-filled;
 * NULL now and then when may_null. On success the call may write its first *writable
 * bytes (set it before fz_check; 0 by default). */
void *fz_buffer(fz_in *in, size_t bytes, int may_null, size_t **writable);

/* Takes the buffers' current contents as the state fz_check compares against (after the
 * harness itself filled a buffer returned by fz_buffer). */
void fz_snapshot(void);

/* Per-target caps: tensors with more elements, or more bytes, get data = NULL. */
void fz_set_caps(int64_t max_elems, size_t max_bytes);

/* Checks the contract after a call (see the top of this file); abort()s on a violation. */
void fz_check(const char *call, clrs_status st);

/* Entry points of the same family use each other to find valid shapes; their messages are
 * cleared by the next call, so this only wraps one for the hint. */
#define FZ_HINT_OK(call) ((call) == CLRS_OK)

#endif /* FUZZ_COMMON_H */
