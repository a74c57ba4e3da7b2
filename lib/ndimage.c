/* ndimage.c — the public scipy.ndimage entry points: spline_filter / spline_filter1d, zoom,
 * affine_transform, map_coordinates and their backwards (adjoints). Each validates every
 * argument (clrs__args_check, then the shapes the parameters imply), fills the geometry
 * (plan/ndimage.c) and runs it on the context's device or on the host. */
#include "host/host.h"
#include "opencl/opencl.h"
#include "plan/plan.h"

#include <math.h>
#include <string.h>

static clrs_status host_fwd(const void *g, clrs__view **v) { return clrs__host_ndi(g, v[0], v[1], v[2]); }
static clrs_status dev_fwd(clrs_context *c, const void *g, clrs__view **v)
{
    return clrs__cl_ndi(c, g, v[0], v[1], v[2]);
}
static clrs_status host_bwd(const void *g, clrs__view **v)
{
    return clrs__host_ndi_backward(g, v[0], v[1], v[2], v[3], v[4]);
}
static clrs_status dev_bwd(clrs_context *c, const void *g, clrs__view **v)
{
    return clrs__cl_ndi_backward(c, g, v[0], v[1], v[2], v[3], v[4]);
}

/* f64 anywhere in the call: the device needs fp64 (else the host runs it, host_fallback) */
static clrs_dtype call_dtype(clrs__tensor_arg *a, int n)
{
    int i;
    for (i = 0; i < n; i++)
        if (a[i].v && a[i].v->dtype == CLRS_F64) return CLRS_F64;
    return CLRS_F32;
}

static int64_t numel_of(clrs__tensor_arg *a, int n)
{
    int64_t m = 0;
    int i;
    for (i = 0; i < n; i++)
        if (a[i].v && a[i].v->numel > m) m = a[i].v->numel;
    return m;
}

/* ---- spline_filter ----------------------------------------------------------------------- */

static clrs_status filter_call(clrs_context *ctx, const char *op, const clrs_ndi_params *p, int has_axis, int axis,
                               int backward, const clrs_tensor *src, const clrs_tensor *dst)
{
    const char *sn = backward ? "grad_output" : "input", *dn = backward ? "grad_input" : "output";
    clrs__tensor_arg a[2] = {CLRS__ARG(sn, src, 0, backward ? CLRS__FLOAT : CLRS__STORAGE, -1),
                             CLRS__ARG(dn, dst, CLRS__OUT, CLRS__FLOAT, -1)};
    clrs__view *v[5] = {NULL, NULL, NULL, NULL, NULL};
    clrs__ndi_geom g;
    clrs_status st;
    int ns;
    if ((st = clrs__ndi_check_params(op, p, CLRS__NDI_FILTER)) != CLRS_OK) return st;
    if (!has_axis && p->order < 2)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: spline order not supported: params->order is %d; spline_filter "
                                             "needs 2..5", op, p->order);
    if ((st = clrs__args_check(op, ctx, a, 2)) != CLRS_OK) return st;
    if ((st = clrs__ndi_spatial(op, p, a[0].v->ndim, &ns)) != CLRS_OK) return st;
    clrs__ndi_geom_init(&g, CLRS__NDI_FILTER, p, ns, a[0].v);
    if ((st = clrs__ndi_check_coef(op, &g)) != CLRS_OK) return st;
    if (has_axis) {
        const int nd = a[0].v->ndim, nb = nd - ns;
        int ax = axis < 0 ? axis + nd : axis;
        if (ax < 0 || ax >= nd)
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: axis %d is out of bounds for a tensor of %d dims", op, axis, nd);
        /* the tensor dim as one of the five axes (B0, B1, S0, S1, S2) */
        g.filter_axis = ax < nb ? ax + (2 - nb) : 2 + (ax - nb) + (3 - ns);
    }
    if ((st = clrs__check_shape(op, a[1].v, a[0].v->ndim, a[0].v->shape, backward ? "grad_output's" : "the input's")) !=
        CLRS_OK)
        return st;
    if (!numel_of(a, 2)) return clrs__clear_error(), CLRS_OK;
    if (!backward) v[0] = a[0].v, v[2] = a[1].v;
    else v[0] = a[0].v, v[3] = a[1].v;
    st = backward ? clrs__execute(ctx, op, call_dtype(a, 2), v, 3, 2, dev_bwd, host_bwd, &g)
                  : clrs__execute(ctx, op, call_dtype(a, 2), v, 2, 1, dev_fwd, host_fwd, &g);
    if (st == CLRS_OK) clrs__clear_error();
    return st;
}

clrs_status clrs_spline_filter(clrs_context *ctx, const clrs_ndi_params *params, const clrs_tensor *input,
                               const clrs_tensor *output)
{
    return filter_call(ctx, "spline_filter", params, 0, 0, 0, input, output);
}

clrs_status clrs_spline_filter1d(clrs_context *ctx, const clrs_ndi_params *params, int axis,
                                 const clrs_tensor *input, const clrs_tensor *output)
{
    return filter_call(ctx, "spline_filter1d", params, 1, axis, 0, input, output);
}

clrs_status clrs_spline_filter_backward(clrs_context *ctx, const clrs_ndi_params *params,
                                        const clrs_tensor *grad_output, const clrs_tensor *grad_input)
{
    return filter_call(ctx, "spline_filter_backward", params, 0, 0, 1, grad_output, grad_input);
}

/* ---- zoom -------------------------------------------------------------------------------- */

clrs_status clrs_zoom_shape(const clrs_ndi_params *params, int ndim, const int64_t *in_shape, const double *zoom,
                            int64_t *out_shape)
{
    const char *op = "zoom_shape";
    int64_t tmp[5];
    clrs_status st;
    int ns, d;
    if ((st = clrs__ndi_check_params(op, params, CLRS__NDI_ZOOM)) != CLRS_OK) return st;
    if (!in_shape || !zoom || !out_shape)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s is NULL", op, !in_shape ? "in_shape" : !zoom ? "zoom" : "out_shape");
    if (ndim < 1 || ndim > 5) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: ndim is %d; it must be 1..5", op, ndim);
    if ((st = clrs__ndi_spatial(op, params, ndim, &ns)) != CLRS_OK) return st;
    for (d = 0; d < ndim; d++) {
        if (in_shape[d] < 0)
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: in_shape[%d] is %lld; sizes must be >= 0", op, d,
                              (long long)in_shape[d]);
        tmp[d] = in_shape[d];
    }
    for (d = 0; d < ns; d++) {
        const double z = zoom[d], r = rint((double)in_shape[ndim - ns + d] * z); /* Python's round: half to even */
        if (!(z > 0) || !isfinite(z))
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: zoom[%d] is %g; it must be finite and > 0", op, d, z);
        if (!(r < 9.2e18))
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: the output size along spatial dim %d is out of range", op, d);
        if (r < 1)
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: the output size along spatial dim %d is round(%lld * %g) = 0; "
                                                 "it must be >= 1", op, d, (long long)in_shape[ndim - ns + d], z);
        tmp[ndim - ns + d] = (int64_t)r;
    }
    if (clrs__size_product(tmp, ndim) < 0)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: the output is out of range: more than 2^63-1 elements", op);
    memcpy(out_shape, tmp, sizeof(int64_t) * (size_t)ndim);
    clrs__clear_error();
    return CLRS_OK;
}

/* The checks shared by zoom / affine_transform (forward and backward): `in` has the input's
 * shape, `out` the output's; the batch dims agree, every spatial size is >= 1. */
static clrs_status transform_shapes(const char *op, const clrs__view *in, const clrs__view *out, int ns,
                                    const char *out_name)
{
    int d;
    if (out->ndim != in->ndim)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s has %d dims; expected %d (the input's)", op, out_name, out->ndim,
                          in->ndim);
    for (d = 0; d < in->ndim - ns; d++)
        if (out->shape[d] != in->shape[d]) {
            int64_t want[5];
            memcpy(want, out->shape, sizeof want);
            memcpy(want, in->shape, sizeof(int64_t) * (size_t)(in->ndim - ns));
            return clrs__check_shape(op, out, in->ndim, want, "the batch dims must be the input's");
        }
    for (d = in->ndim - ns; d < in->ndim; d++)
        if (in->shape[d] < 1 || out->shape[d] < 1)
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: spatial size %lld of %s is < 1; every spatial size must be >= 1",
                              op, (long long)(in->shape[d] < 1 ? in->shape[d] : out->shape[d]),
                              in->shape[d] < 1 ? "the input" : out_name);
    return CLRS_OK;
}

static void zoom_scales(clrs__ndi_geom *g)
{
    int a;
    for (a = 0; a < 3; a++) {
        /* = _interpolation.py zoom: (in - 1) / (out - 1), or in / out with grid_mode; 1 where
         * the divisor is 0 */
        const double num = (double)(g->grid_mode ? g->in[a] : g->in[a] - 1);
        const double div = (double)(g->grid_mode ? g->out[a] : g->out[a] - 1);
        g->scale[a] = div != 0 ? num / div : 1.0;
    }
}

static void set_out(clrs__ndi_geom *g, const clrs__view *out, int np)
{
    int a;
    for (a = 0; a < 3; a++) g->out[a] = a >= 3 - np ? out->shape[out->ndim - np + a - (3 - np)] : 1;
}

static clrs_status set_affine(const char *op, clrs__ndi_geom *g, const double *matrix, const double *offset)
{
    int r, c, b = 3 - g->ns;
    if (!matrix || !offset) return clrs__fail(CLRS_ERR_ARGUMENT, "%s: %s is NULL", op, !matrix ? "matrix" : "offset");
    for (r = 0; r < g->ns; r++) {
        for (c = 0; c < g->ns; c++) g->m[b + r][b + c] = matrix[r * g->ns + c];
        g->off[b + r] = offset[r];
    }
    return CLRS_OK;
}

/* kind: CLRS__NDI_ZOOM or CLRS__NDI_AFFINE */
static clrs_status transform_call(clrs_context *ctx, const char *op, int kind, int backward,
                                  const clrs_ndi_params *p, const double *matrix, const double *offset,
                                  const clrs_tensor *src, const clrs_tensor *dst)
{
    const char *sn = backward ? "grad_output" : "input", *dn = backward ? "grad_input" : "output";
    clrs__tensor_arg a[2] = {CLRS__ARG(sn, src, 0, backward ? CLRS__FLOAT : CLRS__STORAGE, -1),
                             CLRS__ARG(dn, dst, CLRS__OUT, backward ? CLRS__FLOAT : CLRS__STORAGE, -1)};
    clrs__view *v[5] = {NULL, NULL, NULL, NULL, NULL};
    const clrs__view *in, *out;
    clrs__ndi_geom g;
    clrs_status st;
    int ns;
    if ((st = clrs__ndi_check_params(op, p, kind)) != CLRS_OK) return st;
    if ((st = clrs__args_check(op, ctx, a, 2)) != CLRS_OK) return st;
    in = backward ? a[1].v : a[0].v;
    out = backward ? a[0].v : a[1].v;
    if ((st = clrs__ndi_spatial(op, p, in->ndim, &ns)) != CLRS_OK) return st;
    if ((st = transform_shapes(op, in, out, ns, backward ? "grad_output" : "output")) != CLRS_OK) return st;
    clrs__ndi_geom_init(&g, kind, p, ns, in);
    if ((st = clrs__ndi_check_coef(op, &g)) != CLRS_OK) return st;
    set_out(&g, out, ns);
    if (kind == CLRS__NDI_ZOOM) zoom_scales(&g);
    else if ((st = set_affine(op, &g, matrix, offset)) != CLRS_OK) return st;
    if (!numel_of(a, 2)) return clrs__clear_error(), CLRS_OK;
    if (!backward) {
        v[0] = a[0].v, v[2] = a[1].v;
        st = clrs__execute(ctx, op, call_dtype(a, 2), v, 2, 1, dev_fwd, host_fwd, &g);
    } else {
        v[0] = a[0].v, v[3] = a[1].v;
        st = clrs__execute(ctx, op, call_dtype(a, 2), v, 3, 2, dev_bwd, host_bwd, &g);
    }
    if (st == CLRS_OK) clrs__clear_error();
    return st;
}

clrs_status clrs_zoom(clrs_context *ctx, const clrs_ndi_params *params, const clrs_tensor *input,
                      const clrs_tensor *output)
{
    return transform_call(ctx, "zoom", CLRS__NDI_ZOOM, 0, params, NULL, NULL, input, output);
}

clrs_status clrs_zoom_backward(clrs_context *ctx, const clrs_ndi_params *params, const clrs_tensor *grad_output,
                               const clrs_tensor *grad_input)
{
    return transform_call(ctx, "zoom_backward", CLRS__NDI_ZOOM, 1, params, NULL, NULL, grad_output, grad_input);
}

clrs_status clrs_affine_transform(clrs_context *ctx, const clrs_ndi_params *params, const double *matrix,
                                  const double *offset, const clrs_tensor *input, const clrs_tensor *output)
{
    return transform_call(ctx, "affine_transform", CLRS__NDI_AFFINE, 0, params, matrix, offset, input, output);
}

clrs_status clrs_affine_transform_backward(clrs_context *ctx, const clrs_ndi_params *params, const double *matrix,
                                           const double *offset, const clrs_tensor *grad_output,
                                           const clrs_tensor *grad_input)
{
    return transform_call(ctx, "affine_transform_backward", CLRS__NDI_AFFINE, 1, params, matrix, offset,
                          grad_output, grad_input);
}

/* ---- map_coordinates --------------------------------------------------------------------- */

/* in: the input's view (or grad_input's); out: output's (or grad_output's) */
static clrs_status mapc_shapes(const char *op, const clrs__view *in, const clrs__view *co, const clrs__view *out,
                               int ns)
{
    int64_t want[5];
    int d, nb = in->ndim - ns;
    if (co->ndim < 2 || co->ndim > 4)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: coordinates has %d dims; it must be (n_spatial, P...) with 1 to 3 "
                                             "point dims", op, co->ndim);
    if (co->shape[0] != ns)
        return clrs__fail(CLRS_ERR_ARGUMENT, "%s: invalid shape for coordinate array: coordinates.shape[0] is %lld; "
                                             "expected %d (the input's spatial dims)", op, (long long)co->shape[0], ns);
    for (d = nb; d < in->ndim; d++)
        if (in->shape[d] < 1)
            return clrs__fail(CLRS_ERR_ARGUMENT, "%s: the input's spatial size %lld is < 1", op,
                              (long long)in->shape[d]);
    for (d = 0; d < nb; d++) want[d] = in->shape[d];
    for (d = 1; d < co->ndim; d++) want[nb + d - 1] = co->shape[d];
    return clrs__check_shape(op, out, nb + co->ndim - 1, want, "the input's batch dims, then coordinates.shape[1:]");
}

clrs_status clrs_map_coordinates(clrs_context *ctx, const clrs_ndi_params *params, const clrs_tensor *input,
                                 const clrs_tensor *coordinates, const clrs_tensor *output)
{
    const char *op = "map_coordinates";
    clrs__tensor_arg a[3] = {CLRS__ARG("input", input, 0, CLRS__STORAGE, -1),
                             CLRS__ARG("coordinates", coordinates, 0, CLRS__FLOAT, -1),
                             CLRS__ARG("output", output, CLRS__OUT, CLRS__STORAGE, -1)};
    clrs__view *v[5] = {NULL, NULL, NULL, NULL, NULL};
    clrs__ndi_geom g;
    clrs_status st;
    int ns;
    if ((st = clrs__ndi_check_params(op, params, CLRS__NDI_MAPC)) != CLRS_OK) return st;
    if ((st = clrs__args_check(op, ctx, a, 3)) != CLRS_OK) return st;
    if ((st = clrs__ndi_spatial(op, params, a[0].v->ndim, &ns)) != CLRS_OK) return st;
    if ((st = mapc_shapes(op, a[0].v, a[1].v, a[2].v, ns)) != CLRS_OK) return st;
    clrs__ndi_geom_init(&g, CLRS__NDI_MAPC, params, ns, a[0].v);
    if ((st = clrs__ndi_check_coef(op, &g)) != CLRS_OK) return st;
    set_out(&g, a[2].v, a[1].v->ndim - 1);
    if (!a[2].v->numel) return clrs__clear_error(), CLRS_OK;
    v[0] = a[0].v, v[1] = a[1].v, v[2] = a[2].v;
    st = clrs__execute(ctx, op, call_dtype(a, 3), v, 2, 1, dev_fwd, host_fwd, &g);
    if (st == CLRS_OK) clrs__clear_error();
    return st;
}

clrs_status clrs_map_coordinates_backward(clrs_context *ctx, const clrs_ndi_params *params,
                                          const clrs_tensor *grad_output, const clrs_tensor *input,
                                          const clrs_tensor *coordinates, const clrs_tensor *grad_input,
                                          const clrs_tensor *grad_coordinates)
{
    const char *op = "map_coordinates_backward";
    clrs__tensor_arg a[5] = {CLRS__ARG("grad_output", grad_output, 0, CLRS__FLOAT, -1),
                             CLRS__ARG("input", input, 0, CLRS__STORAGE, -1),
                             CLRS__ARG("coordinates", coordinates, 0, CLRS__FLOAT, -1),
                             CLRS__ARG("grad_input", grad_input, CLRS__OUT | CLRS__OPTIONAL, CLRS__FLOAT, -1),
                             CLRS__ARG("grad_coordinates", grad_coordinates, CLRS__OUT | CLRS__OPTIONAL | CLRS__SAME_SHAPE,
                                       CLRS__FLOAT, 2)};
    clrs__view *v[5];
    clrs__ndi_geom g;
    clrs_status st;
    int ns;
    if ((st = clrs__ndi_check_params(op, params, CLRS__NDI_MAPC)) != CLRS_OK) return st;
    if ((st = clrs__args_check(op, ctx, a, 5)) != CLRS_OK) return st;
    if ((st = clrs__ndi_spatial(op, params, a[1].v->ndim, &ns)) != CLRS_OK) return st;
    if ((st = mapc_shapes(op, a[1].v, a[2].v, a[0].v, ns)) != CLRS_OK) return st;
    if (a[3].v && (st = clrs__check_shape(op, a[3].v, a[1].v->ndim, a[1].v->shape, "the input's")) != CLRS_OK)
        return st;
    clrs__ndi_geom_init(&g, CLRS__NDI_MAPC, params, ns, a[1].v);
    if ((st = clrs__ndi_check_coef(op, &g)) != CLRS_OK) return st;
    set_out(&g, a[0].v, a[2].v->ndim - 1);
    if (!a[3].v && !a[4].v) return clrs__clear_error(), CLRS_OK;
    if (!numel_of(a, 5)) return clrs__clear_error(), CLRS_OK;
    v[0] = a[0].v, v[1] = a[1].v, v[2] = a[2].v, v[3] = a[3].v, v[4] = a[4].v;
    st = clrs__execute(ctx, op, call_dtype(a, 5), v, 3, 2, dev_bwd, host_bwd, &g);
    if (st == CLRS_OK) clrs__clear_error();
    return st;
}
