/* harness.h — shared test helpers: the backends to loop over, host tensors in any dtype,
 * golden files, error measures, seeds, and the canary check of untouched outputs. */
#ifndef CLRS_TEST_HARNESS_H
#define CLRS_TEST_HARNESS_H

#include "clresample.h"

#include <check.h>
#include <stddef.h>
#include <stdint.h>

/* ---- backends ---- */
typedef struct {
    char name[160];          /* "host", or "opencl 0:0 <device name>" */
    char spec[32];           /* the device string it was created from */
    clrs_context *ctx;
} th_backend;

/* The host backend first, then every OpenCL device (each in its own context, disk cache in a
 * private temporary directory). Returns the count. */
int th_backends(th_backend *out, int cap);
void th_backends_free(th_backend *b, int n);
/* How many backends th_backends may return (host + OpenCL devices), for loop tests; callable
 * outside a test. A loop index past what th_backends made is skipped with a note. */
int th_backend_count(void);
#define TH_SKIP_MISSING_BACKEND()                                                    \
    do {                                                                             \
        if (_i >= nbackends) {                                                       \
            printf("backend %d could not be created: skipped\n", _i);              \
            return;                                                                  \
        }                                                                            \
    } while (0)
/* A fresh directory under $CLRS_TEST_CACHE_ROOT (or /tmp); caller frees the string. */
char *th_temp_dir(const char *tag);
void th_remove_tree(const char *dir);

/* ---- host tensors ---- */
typedef struct {
    clrs_tensor t;
    void *base;              /* allocation (t.data may point inside it) */
    size_t bytes;
} th_tensor;

/* A contiguous host tensor of shape/dtype, zero-filled. */
void th_tensor_alloc(th_tensor *x, clrs_dtype dtype, int ndim, const int64_t *shape);
void th_tensor_free(th_tensor *x);
/* Element i (in row-major logical order) of a host tensor, any strides, as double. */
double th_get(const clrs_tensor *t, int64_t i);
void th_set(const clrs_tensor *t, int64_t i, double v);
int64_t th_numel(const clrs_tensor *t);
/* Rounds v to what dtype stores. */
double th_round(clrs_dtype dtype, double v);

/* max |a-b| / max |b| (max |a-b| when b is all zero); NaN positions must match. */
double th_rel_error(const double *a, const double *b, int64_t n);

/* ---- golden cases (tests/golden/interpolate.txt) ---- */
typedef struct {
    char name[160];
    clrs_interpolate_params p;
    int ndim;
    int64_t in_shape[5], out_shape[5];
    int64_t nx, ny;
    double *x, *y32, *y64, *g, *gx32, *gx64;
} th_golden;

/* Reads every case of a golden file; returns the count (aborts the test on a bad file). */
int th_golden_load(const char *file, th_golden **cases);
void th_golden_free(th_golden *cases, int n);

/* ---- generic golden records: "case NAME", then "key v v ..." lines, then "end" ---- */
#define TH_MAX_KEYS 24
typedef struct {
    char name[160];
    char key[TH_MAX_KEYS][16];
    char text[TH_MAX_KEYS][24];   /* the line after the key, for words like "bilinear" */
    double *val[TH_MAX_KEYS];     /* the numbers on the line ("nan", "inf" parse) */
    int64_t n[TH_MAX_KEYS];
    int nkeys;
} th_record;

int th_records_load(const char *file, th_record **records);
void th_records_free(th_record *records, int n);
/* "count v v ..." lists: the values past the count, *n their number (may be NULL). For
 * one-number lines ("align_corners 1") the value is at [-1] with *n = 0. f32: round each
 * value to the float32 it prints. */
const double *th_record_values(th_record *r, const char *key, int64_t *n, int f32);
/* Integer lines ("in_shape 1 2 4 4"): fills s, returns the count (0 when absent). */
int th_record_shape(const th_record *r, const char *key, int64_t *s);
/* The text after a key, or NULL when the key is absent. */
const char *th_record_text(const th_record *r, const char *key);

/* ---- running a suite ---- */
/* Builds one TCase with the (unchecked) fixture and a generous timeout, lets `add` add the
 * tests (n: how many backends the loop tests span), and runs it in this process (OpenCL
 * runtimes do not survive fork()). Returns main's exit status. */
int th_run(const char *suite, void (*setup)(void), void (*teardown)(void),
           void (*add)(TCase *tc, int n));

/* ---- seeds ---- */
/* $CLRS_TEST_SEED, or a fresh one; printed either way so a failure can be replayed. */
uint64_t th_seed(const char *suite);
uint64_t th_rand(uint64_t *state);
double th_uniform(uint64_t *state); /* [-1, 1) */

/* Quick mode (valgrind runs): fewer cases. */
int th_quick(void);

#endif
