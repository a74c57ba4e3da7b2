/* clrs-probe — what can this machine do: OpenCL platforms and devices with their
 * capabilities, a self-test of every interpolate and grid_sample mode on each device against
 * the host, the
 * measured copy bandwidth, the program-cache counters; a human table or --json.
 * --demo then runs an interpolate on the device --device names ($CLRS_DEVICE, else the best)
 * and prints that device, the time and a few output values. */
#include "clresample.h"
#include "workloads.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_DEVICES 16

static const char *type_name(clrs_device_type t)
{
    switch (t) {
    case CLRS_DEVICE_HOST: return "host";
    case CLRS_DEVICE_CPU: return "cpu";
    case CLRS_DEVICE_GPU: return "gpu";
    case CLRS_DEVICE_ACCELERATOR: return "accelerator";
    default: return "other";
    }
}

/* JSON string body: escapes quotes, backslashes and control characters. */
static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20) printf("\\u%04x", *s);
        else putchar(*s);
    }
    putchar('"');
}

/* The self-test: every interpolate mode and spatial rank, forward and backward, f32, on the
 * device against the host. Returns the number of failures; *checks counts the comparisons. */
typedef struct {
    const char *name;
    clrs_mode mode;
    int antialias, nsd;
} selftest_case;

static const selftest_case selftests[] = {
    {"nearest 1d", CLRS_NEAREST, 0, 1},        {"nearest 2d", CLRS_NEAREST, 0, 2},
    {"nearest 3d", CLRS_NEAREST, 0, 3},        {"nearest-exact 2d", CLRS_NEAREST_EXACT, 0, 2},
    {"linear 1d", CLRS_LINEAR, 0, 1},          {"bilinear 2d", CLRS_LINEAR, 0, 2},
    {"trilinear 3d", CLRS_LINEAR, 0, 3},       {"bicubic 2d", CLRS_CUBIC, 0, 2},
    {"tricubic 3d", CLRS_CUBIC, 0, 3},         {"area 1d", CLRS_AREA, 0, 1},
    {"area 2d", CLRS_AREA, 0, 2},              {"area 3d", CLRS_AREA, 0, 3},
    {"antialias bilinear 2d", CLRS_LINEAR, 1, 2}, {"antialias bicubic 2d", CLRS_CUBIC, 1, 2},
};
#define NSELFTESTS (sizeof selftests / sizeof selftests[0])

static double rel_error(const float *a, const float *b, size_t n)
{
    double md = 0, mr = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        if (fabs((double)a[i] - b[i]) > md) md = fabs((double)a[i] - b[i]);
        if (fabs((double)b[i]) > mr) mr = fabs((double)b[i]);
    }
    return mr > 0 ? md / mr : md;
}

/* 0 pass, 1 mismatch, -1 error (message in clrs_error_message). */
static int selftest_one(clrs_context *dev, clrs_context *host, const selftest_case *c, int backward,
                        double *err)
{
    clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
    int64_t in[5] = {1, 3, 0, 0, 0}, out[5];
    clrs_tensor a = {.contiguous = 1}, b = {.contiguous = 1}, r = {.contiguous = 1};
    size_t na = 1, nb = 1, i;
    float *va, *vb, *vr;
    int d, ndim = c->nsd + 2, rc = 0;
    p.mode = c->mode;
    p.antialias = c->antialias;
    for (d = 0; d < c->nsd; d++) {
        in[2 + d] = c->nsd == 3 ? 6 : 13;
        p.scale_factor[d] = c->antialias ? 0.4 : 1.7;
    }
    if (clrs_interpolate_shape(&p, ndim, in, out) != CLRS_OK) return -1;
    for (d = 0; d < ndim; d++) na *= (size_t)in[d], nb *= (size_t)out[d];
    if (backward) { size_t t = na; na = nb; nb = t; }
    va = malloc(na * 4), vb = malloc(nb * 4), vr = malloc(nb * 4);
    if (!va || !vb || !vr) { free(va); free(vb); free(vr); return -1; }
    for (i = 0; i < na; i++) va[i] = (float)sin(0.37 * (double)i) * 2.0f;
    a.dtype = b.dtype = r.dtype = CLRS_F32;
    a.ndim = b.ndim = r.ndim = ndim;
    memcpy(a.shape, backward ? out : in, sizeof a.shape);
    memcpy(b.shape, backward ? in : out, sizeof b.shape);
    memcpy(r.shape, b.shape, sizeof r.shape);
    a.data = va, b.data = vb, r.data = vr;
    if ((backward ? clrs_interpolate_backward(dev, &p, &a, &b) : clrs_interpolate(dev, &p, &a, &b)) != CLRS_OK ||
        (backward ? clrs_interpolate_backward(host, &p, &a, &r) : clrs_interpolate(host, &p, &a, &r)) != CLRS_OK) {
        rc = -1;
    } else {
        *err = rel_error(vb, vr, nb);
        rc = *err <= 1e-6 ? 0 : 1;
    }
    free(va), free(vb), free(vr);
    return rc;
}

/* grid_sample on device vs host: a random-ish grid over a 2-D or 3-D input, forward or both
 * gradients (deterministic). 0 pass, 1 mismatch, -1 error. */
static int selftest_grid(clrs_context *dev, clrs_context *host, clrs_grid_mode mode, int dims,
                         int backward, double *err)
{
    clrs_grid_sample_params p = CLRS_GRID_SAMPLE_PARAMS_INIT;
    const int nd = dims + 2;
    int64_t is[5] = {2, 3, 5, 6, 7}, gs[5] = {2, 4, 5, 6, 3}, os[5] = {2, 3, 4, 5, 6};
    clrs_tensor x = {.contiguous = 1}, g = {.contiguous = 1}, y = {.contiguous = 1}, go = {.contiguous = 1};
    clrs_tensor a = {.contiguous = 1}, b = {.contiguous = 1}, ra = {.contiguous = 1}, rb = {.contiguous = 1};
    size_t nx = 1, ng = 1, ny = 1, i;
    float *vx, *vg, *vy, *va, *vb, *vra, *vrb;
    int d, rc = 0;
    if (dims == 2) is[2] = 6, is[3] = 7, gs[1] = 5, gs[2] = 6, gs[3] = 2, os[2] = 5, os[3] = 6;
    for (d = 0; d < nd; d++) nx *= (size_t)is[d], ng *= (size_t)gs[d], ny *= (size_t)os[d];
    vx = malloc(nx * 4), vg = malloc(ng * 4), vy = malloc(ny * 4), va = malloc(nx * 4), vra = malloc(nx * 4);
    vb = malloc(ng * 4), vrb = malloc(ng * 4);
    if (!vx || !vg || !vy || !va || !vra || !vb || !vrb) rc = -1;
    for (i = 0; rc == 0 && i < nx; i++) vx[i] = (float)sin(0.37 * (double)i);
    for (i = 0; rc == 0 && i < ng; i++) vg[i] = (float)(1.2 * sin(1.7 * (double)i + 0.3));
    for (i = 0; rc == 0 && i < ny; i++) vy[i] = (float)cos(0.21 * (double)i);
    p.mode = mode;
    p.padding_mode = (clrs_padding_mode)((dims + (int)mode) % 3);
    p.deterministic = 1;
#define T(t, s, v) (t.dtype = CLRS_F32, t.ndim = nd, memcpy(t.shape, s, sizeof t.shape), t.data = v)
    T(x, is, vx), T(g, gs, vg), T(y, os, vy), T(go, os, vy), T(a, is, va), T(b, gs, vb), T(ra, is, vra), T(rb, gs, vrb);
#undef T
    if (rc == 0 && !backward) {
        y.data = va; /* va / vra hold the outputs */
        memcpy(ra.shape, os, sizeof ra.shape);
        memcpy(y.shape, os, sizeof y.shape);
        if (clrs_grid_sample(dev, &p, &x, &g, &y) != CLRS_OK || clrs_grid_sample(host, &p, &x, &g, &ra) != CLRS_OK)
            rc = -1;
        else
            *err = rel_error(va, vra, ny);
    } else if (rc == 0) {
        if (clrs_grid_sample_backward(dev, &p, &go, &x, &g, &a, &b) != CLRS_OK ||
            clrs_grid_sample_backward(host, &p, &go, &x, &g, &ra, &rb) != CLRS_OK) {
            rc = -1;
        } else {
            double e1 = rel_error(va, vra, nx), e2 = rel_error(vb, vrb, ng);
            *err = e1 > e2 ? e1 : e2;
        }
    }
    if (rc == 0) rc = *err <= 1e-5 ? 0 : 1;
    free(vx), free(vg), free(vy), free(va), free(vra), free(vb), free(vrb);
    return rc;
}

/* max_pool (values, indices, backward) and max_unpool (forward, backward) on device vs host,
 * 1-3 spatial dims: bit-identical expected. 0 pass, 1 mismatch, -1 error. */
static int selftest_pool(clrs_context *dev, clrs_context *host, int dims)
{
    clrs_pool_params p = CLRS_POOL_PARAMS_INIT;
    clrs_unpool_params u = CLRS_UNPOOL_PARAMS_INIT;
    const int nd = dims + 2;
    int64_t is[5] = {2, 3, 7, 6, 5}, os[5];
    clrs_tensor x = {.contiguous = 1}, y[2] = {{.contiguous = 1}, {.contiguous = 1}}, ix[2] = {{.contiguous = 1}, {.contiguous = 1}},
                gx[2] = {{.contiguous = 1}, {.contiguous = 1}}, uo[2] = {{.contiguous = 1}, {.contiguous = 1}};
    size_t nx = 1, ny = 1, i;
    float *vx, *vy[2], *vgx[2], *vuo[2];
    int64_t *vix[2];
    int d, k, rc = 0;
    for (d = 0; d < dims; d++) p.kernel[d] = u.kernel[d] = 3, p.stride[d] = u.stride[d] = 2, p.padding[d] = 1;
    for (d = 0; d < dims; d++) u.padding[d] = 1, u.output_size[d] = is[2 + d];
    u.output_ndim = dims;
    if (clrs_max_pool_shape(&p, nd, is, os) != CLRS_OK) return -1;
    for (d = 0; d < nd; d++) nx *= (size_t)is[d], ny *= (size_t)os[d];
    vx = malloc(nx * 4);
    for (k = 0; k < 2; k++) vy[k] = malloc(ny * 4), vix[k] = malloc(ny * 8), vgx[k] = malloc(nx * 4), vuo[k] = malloc(nx * 4);
    for (i = 0; i < nx; i++) vx[i] = (float)((i * 37) % 11); /* ties */
#define T(t, s, dt, v) (t.dtype = dt, t.ndim = nd, memcpy(t.shape, s, sizeof t.shape), t.data = v)
    T(x, is, CLRS_F32, vx);
    for (k = 0; k < 2 && rc == 0; k++) {
        clrs_context *c = k ? host : dev;
        T(y[k], os, CLRS_F32, vy[k]), T(ix[k], os, CLRS_I64, vix[k]), T(gx[k], is, CLRS_F32, vgx[k]), T(uo[k], is, CLRS_F32, vuo[k]);
        if (clrs_max_pool(c, &p, &x, &y[k], &ix[k]) != CLRS_OK ||
            clrs_max_pool_backward(c, &p, &y[k], &ix[k], &gx[k]) != CLRS_OK ||
            clrs_max_unpool(c, &u, &y[k], &ix[k], &uo[k]) != CLRS_OK)
            rc = -1;
    }
#undef T
    if (rc == 0)
        rc = memcmp(vy[0], vy[1], ny * 4) || memcmp(vix[0], vix[1], ny * 8) || memcmp(vgx[0], vgx[1], nx * 4) ||
             memcmp(vuo[0], vuo[1], nx * 4);
    free(vx);
    for (k = 0; k < 2; k++) free(vy[k]), free(vix[k]), free(vgx[k]), free(vuo[k]);
    return rc;
}

/* pixel_shuffle and pixel_unshuffle (forward and backward) on device vs host, 3-D to 5-D, in
 * every dtype as raw bytes (a permutation: bit-identical expected, NaN patterns included).
 * 0 pass, 1 mismatch, -1 error. */
static int selftest_pixel_shuffle(clrs_context *dev, clrs_context *host, int nd)
{
    static const clrs_dtype dts[6] = {CLRS_F32, CLRS_F64, CLRS_F16, CLRS_BF16, CLRS_I64, CLRS_U8};
    const int b = nd - 3;
    int64_t is[5] = {2, 3, 2, 2, 2}, os[5];
    int d, k, rc = 0;
    is[b] = 18, is[b + 1] = 5, is[b + 2] = 4; /* (*, 2 * 3^2, 5, 4), r = 3 */
    if (clrs_pixel_shuffle_shape(3, nd, is, os) != CLRS_OK) return -1;
    for (d = 0; d < 6 && rc == 0; d++) {
        const size_t es = clrs_dtype_size(dts[d]);
        size_t n = 1, i;
        unsigned char *vx, *vy[2], *vg[2], *vu[2];
        clrs_tensor x, y[2], g[2], u[2];
        for (k = 0; k < nd; k++) n *= (size_t)is[k];
        vx = malloc(n * es);
        for (i = 0; i < n * es; i++) vx[i] = (unsigned char)((i * 2654435761u) >> 13);
        x = clrs_tensor_host(dts[d], nd, is, vx);
        for (k = 0; k < 2; k++) {
            clrs_context *c = k ? host : dev;
            vy[k] = malloc(n * es), vg[k] = malloc(n * es), vu[k] = malloc(n * es);
            y[k] = clrs_tensor_host(dts[d], nd, os, vy[k]);
            g[k] = clrs_tensor_host(dts[d], nd, is, vg[k]);
            u[k] = clrs_tensor_host(dts[d], nd, os, vu[k]);
            if (rc == 0 && (clrs_pixel_shuffle(c, 3, &x, &y[k]) != CLRS_OK ||
                            clrs_pixel_shuffle_backward(c, 3, &y[k], &g[k]) != CLRS_OK ||
                            clrs_pixel_unshuffle_backward(c, 3, &g[k], &u[k]) != CLRS_OK))
                rc = -1;
        }
        if (rc == 0)
            rc = memcmp(vy[0], vy[1], n * es) || memcmp(vg[0], vx, n * es) || memcmp(vg[1], vx, n * es) ||
                 memcmp(vu[0], vu[1], n * es);
        free(vx);
        for (k = 0; k < 2; k++) free(vy[k]), free(vg[k]), free(vu[k]);
    }
    return rc;
}

/* scipy.ndimage: zoom, affine_transform and map_coordinates (order 3, 'mirror' and
 * 'grid-constant') and map_coordinates' backward (grad_input and grad_coordinates), f32, on
 * `dims` spatial dims, device vs host within 1e-5 relative. 0 pass, 1 mismatch, -1 error. */
static int selftest_ndimage(clrs_context *dev, clrs_context *host, int dims, double *err)
{
    clrs_ndi_params p = CLRS_NDI_PARAMS_INIT;
    const int nd = dims + 1;
    int64_t is[4] = {2, 9, 7, 6}, os[4] = {2, 11, 5, 4}, cs[4] = {dims, 11, 5, 4};
    const double m[9] = {0.9, 0.1, 0, -0.1, 1.1, 0.05, 0, 0.2, 0.8}, off[3] = {0.5, -0.7, 1.2};
    size_t nx = 2, ny = 2, nc = (size_t)dims, i;
    float *x, *c, *y[2], *gx[2], *gc[2];
    int op, k, mode, rc = 0;
    for (k = 1; k <= dims; k++) nx *= (size_t)is[k], ny *= (size_t)os[k], nc *= (size_t)cs[k];
    cs[0] = dims;
    x = malloc(nx * 4), c = malloc(nc * 4);
    for (k = 0; k < 2; k++) y[k] = malloc(ny * 4), gx[k] = malloc(nx * 4), gc[k] = malloc(nc * 4);
    for (i = 0; i < nx; i++) x[i] = (float)((i * 2654435761u) % 1000) / 500.0f - 1.0f;
    for (i = 0; i < nc; i++) c[i] = (float)((i * 40503u) % 1300) / 100.0f - 2.0f;
    p.n_spatial = dims;
    for (mode = 0; mode < 2 && rc == 0; mode++)
        for (op = 0; op < 4 && rc == 0; op++) {
            p.mode = mode ? CLRS_NDI_GRID_CONSTANT : CLRS_NDI_MIRROR, p.cval = 0.5;
            for (k = 0; k < 2 && rc == 0; k++) {
                clrs_context *ctx = k ? host : dev;
                clrs_tensor tx = clrs_tensor_host(CLRS_F32, nd, is, x), tc = clrs_tensor_host(CLRS_F32, nd, cs, c);
                clrs_tensor ty = clrs_tensor_host(CLRS_F32, nd, os, y[k]), tgx = clrs_tensor_host(CLRS_F32, nd, is, gx[k]);
                clrs_tensor tgc = clrs_tensor_host(CLRS_F32, nd, cs, gc[k]);
                clrs_status st = op == 0 ? clrs_zoom(ctx, &p, &tx, &ty)
                                 : op == 1 ? clrs_affine_transform(ctx, &p, m, off, &tx, &ty)
                                 : op == 2 ? clrs_map_coordinates(ctx, &p, &tx, &tc, &ty)
                                           : clrs_map_coordinates_backward(ctx, &p, &ty, &tx, &tc, &tgx, &tgc);
                if (st != CLRS_OK) rc = -1;
            }
            if (rc == 0) {
                const float *a = op == 3 ? gx[0] : y[0], *b = op == 3 ? gx[1] : y[1];
                const size_t n = op == 3 ? nx : ny;
                double mx = 0, e = 0;
                for (i = 0; i < n; i++) {
                    if (fabs(b[i]) > mx) mx = fabs(b[i]);
                    if (fabs(a[i] - b[i]) > e || a[i] != a[i]) e = a[i] != a[i] ? INFINITY : fabs(a[i] - b[i]);
                }
                if (op == 3)
                    for (i = 0; i < nc; i++)
                        if (fabs(gc[0][i] - gc[1][i]) > 1e-4 * (1 + fabs(gc[1][i])) || gc[0][i] != gc[0][i]) e = INFINITY;
                e = mx > 0 ? e / mx : e;
                if (e > *err) *err = e;
                if (!(e <= 1e-5)) rc = 1;
            }
        }
    free(x), free(c);
    for (k = 0; k < 2; k++) free(y[k]), free(gx[k]), free(gc[k]);
    return rc;
}

/* conv_transpose forward and all three gradients, device vs host, within 1e-5 (the GEMMs
 * sum in another order). 0 pass, 1 mismatch, -1 error. */
static int selftest_conv(clrs_context *dev, clrs_context *host, int dims, double *err)
{
    clrs_conv_transpose_params p = CLRS_CONV_TRANSPOSE_PARAMS_INIT;
    const int nd = dims + 2;
    int64_t is[5] = {2, 4, 5, 4, 3}, ws[5] = {4, 3, 3, 3, 3}, os[5], bs[1] = {6};
    float *buf[2][5], *vx, *vw, *vb;
    size_t nx = 1, nw = 1, ny = 1, i, sizes[5];
    clrs_tensor x = {.contiguous = 1}, w = {.contiguous = 1}, b = {.contiguous = 1}, t[2][5];
    int d, k, j, rc = 0;
    p.groups = 2;
    for (d = 0; d < dims; d++) p.stride[d] = 2, p.padding[d] = 1, p.output_padding[d] = 1;
    if (clrs_conv_transpose_shape(&p, nd, is, ws, os) != CLRS_OK) return -1;
    for (d = 0; d < nd; d++) nx *= (size_t)is[d], nw *= (size_t)ws[d], ny *= (size_t)os[d];
    sizes[0] = ny, sizes[1] = nx, sizes[2] = nw, sizes[3] = 6, sizes[4] = 0;
    vx = malloc(nx * 4), vw = malloc(nw * 4), vb = malloc(6 * 4);
    for (i = 0; i < nx; i++) vx[i] = (float)sin(0.3 * (double)i);
    for (i = 0; i < nw; i++) vw[i] = (float)cos(0.7 * (double)i);
    for (i = 0; i < 6; i++) vb[i] = (float)i / 6.0f;
    x.dtype = w.dtype = b.dtype = CLRS_F32;
    x.ndim = w.ndim = nd, b.ndim = 1;
    memcpy(x.shape, is, sizeof x.shape), memcpy(w.shape, ws, sizeof w.shape), b.shape[0] = 6;
    x.data = vx, w.data = vw, b.data = vb;
    memset(t, 0, sizeof t);
    for (k = 0; k < 2; k++) {
        const int64_t *shapes[4] = {os, is, ws, bs};
        for (j = 0; j < 4; j++) {
            buf[k][j] = malloc(sizes[j] * 4);
            t[k][j].dtype = CLRS_F32;
            t[k][j].contiguous = 1;
            t[k][j].ndim = j == 3 ? 1 : nd;
            memcpy(t[k][j].shape, shapes[j], sizeof(int64_t) * (size_t)t[k][j].ndim);
            t[k][j].data = buf[k][j];
        }
    }
    for (k = 0; k < 2 && rc == 0; k++) {
        clrs_context *c = k ? host : dev;
        if (clrs_conv_transpose(c, &p, &x, &w, &b, &t[k][0]) != CLRS_OK ||
            clrs_conv_transpose_backward(c, &p, &t[k][0], &x, &w, &t[k][1], &t[k][2], &t[k][3]) != CLRS_OK)
            rc = -1;
    }
    *err = 0;
    for (j = 0; rc == 0 && j < 4; j++) {
        double e = rel_error(buf[0][j], buf[1][j], sizes[j]);
        if (e > *err) *err = e;
    }
    if (rc == 0) rc = *err <= 1e-5 ? 0 : 1;
    for (k = 0; k < 2; k++)
        for (j = 0; j < 4; j++) free(buf[k][j]);
    free(vx), free(vw), free(vb);
    return rc;
}

typedef struct {
    clrs_device_info info;
    int ok;                    /* context created */
    char error[256];
    double bandwidth;
    char tune_path[512];       /* the tuning file ("" without a cache directory) */
    size_t tune_entries;       /* its entries for this device: 0 = not tuned */
    int checks, failures;
    double worst;
    char failed[512];
    clrs_cache_stats stats;
} probe_result;

static void probe_device(const clrs_device_info *info, clrs_context *host, probe_result *r)
{
    clrs_context_options o = CLRS_CONTEXT_OPTIONS_INIT;
    char spec[32];
    clrs_context *ctx = NULL;
    size_t k;
    memset(r, 0, sizeof *r);
    r->info = *info;
    if (info->type == CLRS_DEVICE_HOST) snprintf(spec, sizeof spec, "host");
    else snprintf(spec, sizeof spec, "%d:%d", info->platform_index, info->device_index);
    o.device = spec;
    o.host_fallback = 0; /* a self-test must not pass by running on the host */
    if (clrs_context_create(&ctx, &o) != CLRS_OK) {
        snprintf(r->error, sizeof r->error, "%s", clrs_error_message());
        return;
    }
    r->ok = 1;
    r->bandwidth = clrs_copy_bandwidth(ctx);
    for (k = 0; k < NSELFTESTS; k++) {
        int backward;
        for (backward = 0; backward < 2; backward++) {
            double e = 0;
            int rc = selftest_one(ctx, host, &selftests[k], backward, &e);
            r->checks++;
            if (e > r->worst) r->worst = e;
            if (rc != 0) {
                size_t n = strlen(r->failed);
                r->failures++;
                snprintf(r->failed + n, sizeof r->failed - n, "%s%s %s%s%s", n ? "; " : "",
                         selftests[k].name, backward ? "backward" : "forward",
                         rc < 0 ? ": " : "", rc < 0 ? clrs_error_message() : "");
            }
        }
    }
    {
        static const char *gnames[] = {"grid_sample bilinear", "grid_sample nearest", "grid_sample bicubic"};
        int mode, dims, backward;
        for (mode = 0; mode < 3; mode++)
            for (dims = 2; dims <= 3; dims++)
                for (backward = 0; backward < 2; backward++) {
                    double e = 0;
                    int rc = selftest_grid(ctx, host, (clrs_grid_mode)mode, dims, backward, &e);
                    r->checks++;
                    if (e > r->worst) r->worst = e;
                    if (rc != 0) {
                        size_t n = strlen(r->failed);
                        r->failures++;
                        snprintf(r->failed + n, sizeof r->failed - n, "%s%s %dd %s%s%s", n ? "; " : "",
                                 gnames[mode], dims, backward ? "backward" : "forward", rc < 0 ? ": " : "",
                                 rc < 0 ? clrs_error_message() : "");
                    }
                }
    }
    {
        int dims;
        for (dims = 1; dims <= 3; dims++) {
            int rc = selftest_pool(ctx, host, dims);
            r->checks++;
            if (rc != 0) {
                size_t n = strlen(r->failed);
                r->failures++;
                snprintf(r->failed + n, sizeof r->failed - n, "%smax_pool/unpool %dd%s%s", n ? "; " : "", dims,
                         rc < 0 ? ": " : "", rc < 0 ? clrs_error_message() : "");
            }
        }
        for (dims = 3; dims <= 5; dims++) {
            int rc = selftest_pixel_shuffle(ctx, host, dims);
            r->checks++;
            if (rc != 0) {
                size_t n = strlen(r->failed);
                r->failures++;
                snprintf(r->failed + n, sizeof r->failed - n, "%spixel_shuffle/unshuffle %dd%s%s", n ? "; " : "",
                         dims, rc < 0 ? ": " : "", rc < 0 ? clrs_error_message() : "");
            }
        }
        for (dims = 1; dims <= 3; dims++) {
            double e = 0;
            int rc = selftest_ndimage(ctx, host, dims, &e);
            r->checks++;
            if (e > r->worst) r->worst = e;
            if (rc != 0) {
                size_t n = strlen(r->failed);
                r->failures++;
                snprintf(r->failed + n, sizeof r->failed - n, "%sndimage %dd%s%s", n ? "; " : "", dims,
                         rc < 0 ? ": " : "", rc < 0 ? clrs_error_message() : "");
            }
        }
        for (dims = 1; dims <= 3; dims++) {
            double e = 0;
            int rc = selftest_conv(ctx, host, dims, &e);
            r->checks++;
            if (e > r->worst) r->worst = e;
            if (rc != 0) {
                size_t n = strlen(r->failed);
                r->failures++;
                snprintf(r->failed + n, sizeof r->failed - n, "%sconv_transpose %dd%s%s", n ? "; " : "", dims,
                         rc < 0 ? ": " : "", rc < 0 ? clrs_error_message() : "");
            }
        }
    }
    clrs_context_cache_stats(ctx, &r->stats);
    if (clrs_tune_file(ctx, r->tune_path, sizeof r->tune_path, &r->tune_entries) != CLRS_OK) r->tune_path[0] = '\0';
    clrs_context_destroy(ctx);
}

/* The demo: bilinear 2x up of a 1x3x1024x1024 f32 image on the device `spec` names (NULL:
 * $CLRS_DEVICE, else auto, the library's rule), so --demo --device host times the host. */
static int demo(int json, const char *spec)
{
    clrs_context_options o = CLRS_CONTEXT_OPTIONS_INIT;
    clrs_context *ctx = NULL;
    clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
    clrs_tensor in = {.contiguous = 1}, out = {.contiguous = 1};
    const int64_t H = 1024, W = 1024;
    float *x = malloc((size_t)(3 * H * W) * 4), *y = malloc((size_t)(3 * H * W) * 16);
    double first = 0, best = 1e30, t0;
    clrs_cache_stats st;
    clrs_status s = CLRS_OK;
    int rep, rc = 0;
    size_t i;
    o.device = spec;
    if (!x || !y || (s = clrs_context_create(&ctx, &o)) != CLRS_OK) {
        fprintf(stderr, "clrs-probe: demo: %s\n", x && y ? clrs_error_message() : "out of memory");
        free(x), free(y);
        /* only $CLRS_DEVICE gets here with a bad device (--device was checked): still an argument */
        return !x || !y || s == CLRS_ERR_MEMORY ? 1 : 2;
    }
    for (i = 0; i < (size_t)(3 * H * W); i++) x[i] = (float)((i * 2654435761u) % 1000) / 999.0f;
    p.mode = CLRS_LINEAR;
    p.scale_factor[0] = p.scale_factor[1] = 2.0;
    in.dtype = out.dtype = CLRS_F32;
    in.ndim = out.ndim = 4;
    in.shape[0] = out.shape[0] = 1;
    in.shape[1] = out.shape[1] = 3;
    in.shape[2] = H, in.shape[3] = W, out.shape[2] = 2 * H, out.shape[3] = 2 * W;
    in.data = x, out.data = y;
    for (rep = 0; rep < 6 && rc == 0; rep++) {
        t0 = clrs_tool_now_ms();
        if (clrs_interpolate(ctx, &p, &in, &out) != CLRS_OK) {
            fprintf(stderr, "clrs-probe: demo: %s\n", clrs_error_message());
            rc = 1;
        }
        t0 = clrs_tool_now_ms() - t0;
        if (rep == 0) first = t0;
        else if (t0 < best) best = t0;
    }
    clrs_context_cache_stats(ctx, &st);
    if (rc == 0) {
        const clrs_device_info *d = clrs_context_device(ctx);
        /* a few outputs anyone can recompute: the input is x[i] = ((i * 2654435761) mod 1000) /
         * 999 at flat index i, so F.interpolate(x, scale_factor=2, mode="bilinear") in PyTorch
         * gives these same numbers */
        const float v0 = y[1000 * 2 * W + 1000], v1 = y[1001 * 2 * W + 1000], v2 = y[1002 * 2 * W + 1000];
        if (json) {
            printf("{\"demo\": {\"device\": ");
            json_str(d->name);
            printf(", \"device_type\": \"%s\", \"platform_index\": %d, \"device_index\": %d, "
                   "\"ran_on_host\": %s,\n  \"op\": \"bilinear 2x up, 1x3x1024x1024 f32, host memory\", "
                   "\"first_call_ms\": %.3f, \"best_ms\": %.3f, \"builds\": %llu, \"disk_hits\": %llu,\n"
                   "  \"input\": \"x[i] = ((i * 2654435761) mod 1000) / 999 at flat index i\", "
                   "\"output_0_0_1000to1002_1000\": [%.6f, %.6f, %.6f]}}\n",
                   type_name(d->type), d->platform_index, d->device_index,
                   d->type == CLRS_DEVICE_HOST || st.host_fallbacks ? "true" : "false", first, best,
                   (unsigned long long)st.builds, (unsigned long long)st.disk_hits, v0, v1, v2);
        } else {
            printf("\ndemo: bilinear 2x up of a 1x3x1024x1024 f32 image (host memory)\n");
            if (d->type == CLRS_DEVICE_HOST) printf("  ran on: the host backend, %s\n", d->name);
            else printf("  ran on: [%d:%d] %s (%s, %s)%s\n", d->platform_index, d->device_index, d->name,
                        type_name(d->type), d->platform,
                        st.host_fallbacks ? "; the op fell back to the host backend" : "");
            if (d->type == CLRS_DEVICE_HOST)
                printf("  first call %.1f ms, then best of 5: %.2f ms\n", first, best);
            else
                printf("  first call %.1f ms (program builds %llu, disk-cache hits %llu), then best of 5: %.2f ms\n",
                       first, (unsigned long long)st.builds, (unsigned long long)st.disk_hits, best);
            printf("  output[0, 0, 1000:1003, 1000] = %.4f %.4f %.4f (channel 0, rows 1000-1002, column 1000)\n"
                   "  of input x[i] = ((i * 2654435761) mod 1000) / 999 at flat index i; PyTorch's\n"
                   "  F.interpolate(x, scale_factor=2, mode=\"bilinear\") gives the same numbers\n",
                   v0, v1, v2);
        }
    }
    clrs_context_destroy(ctx);
    free(x), free(y);
    return rc;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: clrs-probe [--json] [--demo] [--device D]\n"
               "  Lists OpenCL platforms and devices (and the host backend) with their\n"
               "  capabilities, self-tests every op (interpolate, grid_sample, max_pool,\n"
               "  max_unpool, conv_transpose, pixel_shuffle, ndimage) against the host, and measures copy bandwidth.\n"
               "  --device limits the probe to one device (auto, gpu, cpu, host, P:D or part\n"
               "  of a name, any case). --demo then runs a bilinear resize on that device\n"
               "  (without --device: $CLRS_DEVICE, else auto, the best one) and prints the\n"
               "  device it ran on, the time and three output values.\n"
               "  For the host backend, compute units are its threads, memory is the system's\n"
               "  (there is no device memory), and work-group sizes do not apply (n/a).\n"
               "Exit status: 0 all self-tests passed (and the demo ran); 1 a self-test failed,\n"
               "  a device was unusable or the demo failed; 2 bad arguments, including a\n"
               "  device (--device, or $CLRS_DEVICE for --demo) that does not exist or cannot\n"
               "  be opened.\n");
}

/* The host's physical memory in bytes, or 0 when the system does not say. */
static uint64_t system_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
}

int main(int argc, char **argv)
{
    clrs_device_info infos[MAX_DEVICES];
    probe_result results[MAX_DEVICES];
    clrs_context_options ho = CLRS_CONTEXT_OPTIONS_INIT;
    clrs_context *host = NULL;
    const char *only = NULL;
    size_t count = 0, i, n;
    int json = 0, want_demo = 0, a, failures = 0;
    clrs_status st;

    for (a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "--json")) json = 1;
        else if (!strcmp(argv[a], "--demo")) want_demo = 1;
        else if (!strcmp(argv[a], "--device") && a + 1 < argc) only = argv[++a];
        else if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) { usage(stdout); return 0; }
        else {
            fprintf(stderr, "clrs-probe: %s '%s'\n", !strcmp(argv[a], "--device") ? "a value is needed after"
                                                                                : "unknown argument", argv[a]);
            usage(stderr);
            return 2;
        }
    }
    if (clrs_device_list(infos, MAX_DEVICES, &count) != CLRS_OK) {
        fprintf(stderr, "clrs-probe: %s\n", clrs_error_message());
        return 1;
    }
    n = count < MAX_DEVICES ? count : MAX_DEVICES;
    ho.device = "host";
    if (clrs_context_create(&host, &ho) != CLRS_OK) {
        fprintf(stderr, "clrs-probe: %s\n", clrs_error_message());
        return 1;
    }
    if (only) { /* keep the one device the selection rule picks */
        clrs_context_options o = CLRS_CONTEXT_OPTIONS_INIT;
        clrs_context *c = NULL;
        const clrs_device_info *d;
        o.device = only;
        o.host_fallback = 0;
        if ((st = clrs_context_create(&c, &o)) != CLRS_OK) {
            /* a device the user named that is not there (or will not open) is a bad argument */
            fprintf(stderr, "clrs-probe: %s\n", clrs_error_message());
            clrs_context_destroy(host);
            return st == CLRS_ERR_MEMORY ? 1 : 2;
        }
        d = clrs_context_device(c);
        for (i = 0; i < n; i++)
            if (infos[i].platform_index == d->platform_index && infos[i].device_index == d->device_index) {
                infos[0] = infos[i];
                break;
            }
        n = 1;
        clrs_context_destroy(c);
    }
    for (i = 0; i < n; i++) {
        probe_result *r = &results[i];
        probe_device(&infos[i], host, r);
        failures += r->failures + !r->ok;
    }
    if (json) {
        printf("{\"library\": \"clresample %s\", \"devices\": [\n", clrs_version());
        for (i = 0; i < n; i++) {
            const probe_result *r = &results[i];
            const clrs_device_info *d = &r->info;
            printf("  {\"platform_index\": %d, \"device_index\": %d, \"type\": \"%s\", \"name\": ",
                   d->platform_index, d->device_index, type_name(d->type));
            json_str(d->name);
            printf(", \"vendor\": ");
            json_str(d->vendor);
            printf(", \"platform\": ");
            json_str(d->platform);
            printf(", \"version\": ");
            json_str(d->version);
            printf(", \"driver\": ");
            json_str(d->driver);
            printf(", \"opencl_c\": ");
            json_str(d->opencl_c_version);
            printf(",\n   \"compute_units\": %u, \"max_work_group_size\": %u, \"global_mem_bytes\": %llu, "
                   "\"local_mem_bytes\": %llu, \"max_alloc_bytes\": %llu, \"fp16\": %s, \"fp64\": %s,\n",
                   d->compute_units, d->max_work_group_size, (unsigned long long)d->global_mem_bytes,
                   (unsigned long long)d->local_mem_bytes, (unsigned long long)d->max_alloc_bytes,
                   d->fp16 ? "true" : "false", d->fp64 ? "true" : "false");
            printf("   \"usable\": %s, \"error\": ", r->ok ? "true" : "false");
            json_str(r->error);
            printf(", \"copy_bandwidth_gbs\": %.2f, \"selftest\": {\"checks\": %d, \"failures\": %d, "
                   "\"worst_rel_error\": %.3g, \"failed\": ",
                   r->bandwidth, r->checks, r->failures, r->worst);
            json_str(r->failed);
            printf("},\n   \"cache\": {\"builds\": %llu, \"memory_hits\": %llu, \"disk_hits\": %llu, "
                   "\"disk_writes\": %llu, \"disk_rejects\": %llu, \"host_fallbacks\": %llu, \"disk_enabled\": %s}%s\n",
                   (unsigned long long)r->stats.builds, (unsigned long long)r->stats.memory_hits,
                   (unsigned long long)r->stats.disk_hits, (unsigned long long)r->stats.disk_writes,
                   (unsigned long long)r->stats.disk_rejects, (unsigned long long)r->stats.host_fallbacks,
                   r->stats.disk_enabled ? "true" : "false", "");
            printf("   ,\"tuning\": {\"file\": ");
            json_str(r->tune_path);
            printf(", \"entries\": %zu, \"tuned\": %s}}%s\n", r->tune_entries, r->tune_entries ? "true" : "false",
                   i + 1 < n ? "," : "");
        }
        printf("]}\n");
    } else {
        printf("clresample %s: %zu device%s (OpenCL devices, then the host backend)\n\n", clrs_version(), n,
               n == 1 ? "" : "s");
        for (i = 0; i < n; i++) {
            const probe_result *r = &results[i];
            const clrs_device_info *d = &r->info;
            if (d->type == CLRS_DEVICE_HOST) printf("[host] %s\n", d->name);
            else printf("[%d:%d] %s (%s)\n", d->platform_index, d->device_index, d->name, type_name(d->type));
            printf("  vendor %s; platform %s; %s; driver %s; %s\n", d->vendor, d->platform, d->version,
                   d->driver, d->opencl_c_version[0] ? d->opencl_c_version : "-");
            if (d->type == CLRS_DEVICE_HOST) {
                /* the info struct's OpenCL fields are 0 for the host: say what they mean here */
                const uint64_t mem = system_memory();
                printf("  threads %u, max work-group n/a, ", d->compute_units);
                if (mem) printf("system memory %.1f GiB", mem / 1073741824.0);
                else printf("system memory n/a");
                printf(", local memory n/a, fp16 %s, fp64 %s\n", d->fp16 ? "yes" : "no", d->fp64 ? "yes" : "no");
            } else {
                printf("  compute units %u, max work-group %u, memory %.1f GiB (max alloc %.1f GiB), local %llu KiB, fp16 %s, fp64 %s\n",
                       d->compute_units, d->max_work_group_size, d->global_mem_bytes / 1073741824.0,
                       d->max_alloc_bytes / 1073741824.0, (unsigned long long)(d->local_mem_bytes / 1024),
                       d->fp16 ? "yes" : "no", d->fp64 ? "yes" : "no");
            }
            if (!r->ok) {
                printf("  UNUSABLE: %s\n\n", r->error);
                continue;
            }
            printf("  copy bandwidth %.1f GB/s (read + write)\n", r->bandwidth);
            printf("  self-test vs host: %d/%d passed (worst rel error %.2g)%s%s\n", r->checks - r->failures,
                   r->checks, r->worst, r->failures ? "; FAILED: " : "", r->failures ? r->failed : "");
            printf("  program cache: builds %llu, memory hits %llu, disk hits %llu, disk writes %llu, rejects %llu, disk %s\n",
                   (unsigned long long)r->stats.builds, (unsigned long long)r->stats.memory_hits,
                   (unsigned long long)r->stats.disk_hits, (unsigned long long)r->stats.disk_writes,
                   (unsigned long long)r->stats.disk_rejects, r->stats.disk_enabled ? "on" : "off");
            if (r->info.type != CLRS_DEVICE_HOST) {
                if (r->tune_entries)
                    printf("  tuned: yes, %zu entries in %s\n\n", r->tune_entries, r->tune_path);
                else
                    printf("  tuned: no (shipped defaults; run clrs-tune --device %d:%d to write %s)\n\n",
                           r->info.platform_index, r->info.device_index, *r->tune_path ? r->tune_path : "a tuning file");
            } else {
                printf("\n");
            }
        }
    }
    clrs_context_destroy(host);
    if (want_demo && (a = demo(json, only)) != 0) return a;
    return failures ? 1 : 0;
}
