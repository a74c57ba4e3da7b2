/* opencl/conv_transpose.c — the OpenCL backend of conv_transpose: GEMMs through CLBlast's
 * strided-batched GEMM (batched over the groups of one batch entry), the col2im / im2col /
 * grad_bias / packing kernels of conv_transpose.cl around them.
 *
 * Workspace (one buffer of the compute type per call, clrs__conv_workspace): the column
 * matrices of nb batch entries, and float / double copies of the tensors CLBlast cannot read or
 * write in place (f16 / bf16, or strides that are neither row- nor column-major per matrix).
 * Everything runs in order on the context's queue: deterministic, no atomics.
 *
 * CLBlast compiles its GEMM kernels on the first call per device and precision (seconds; PoCL
 * then keeps them in its kernel cache): the first conv_transpose call of a process is the
 * warm-up, as clrs-bench's warm-up call is. */
#include "opencl/opencl.h"
#include "resample_math_conv.h"

#ifdef HAVE_CLBLAST
#include <clblast_c.h>
#endif

#include <stdio.h>
#include <string.h>

/* One call (opencl/call.c) and its workspace. */
typedef struct {
    clrs__cl_call base;
    cl_mem ws;
    size_t ws_esize;
} call;

static clrs_status call_begin(call *c, clrs_context *ctx, const char *op, clrs_dtype dtype)
{
    memset(c, 0, sizeof *c);
    return clrs__cl_call_begin(&c->base, ctx, op, "conv_transpose.cl", dtype, NULL);
}

static clrs_status call_view(call *c, int i, const clrs__view *v, int writable)
{
    return clrs__cl_call_view(&c->base, i, v, writable);
}

static clrs_status call_end(call *c, clrs_status st)
{
    st = clrs__cl_call_end(&c->base, st);
    /* the queue keeps the workspace alive until the commands that use it have finished */
    if (c->ws) clReleaseMemObject(c->ws);
    return st;
}

static clrs_status kernel(call *c, const char *name, clrs__args *a)
{
    return clrs__cl_kernel(&c->base, name, a);
}

/* 1-D launches of `total` work-items, rounded up to one fixed work-group size (PoCL then
 * compiles one work-group function per kernel, whatever the shapes) */
static clrs_status run(call *c, clrs__args *a, int64_t total)
{
    size_t local = c->base.ctx->info.max_work_group_size >= 64 ? 64 : c->base.ctx->info.max_work_group_size;
    size_t global;
    if (local < 1) local = 1;
    global = ((size_t)total + local - 1) / local * local;
    return clrs__cl_run(&c->base, a, 1, &global, &local);
}

static void to_cg(const clrs__conv_geom *g, clrs_conv_geom *cg)
{
    int a;
    memset(cg, 0, sizeof *cg);
    for (a = 0; a < 3; a++) {
        cg->in[a] = g->in[a], cg->out[a] = g->out[a], cg->k[a] = g->k[a];
        cg->s[a] = g->s[a], cg->p[a] = g->p[a], cg->d[a] = g->d[a];
    }
    cg->G = g->G, cg->Cin_g = g->Cin_g, cg->Cout_g = g->Cout_g;
    cg->K = g->K, cg->L = g->L, cg->Lout = g->Lout;
}

/* sizes of axes 1..4 of a view as (n, c, z, y, x) */
static void sizes4(const clrs__view *v, int64_t sh[4])
{
    int nsd = v->ndim - 2, a;
    sh[0] = v->shape[1];
    for (a = 0; a < 3; a++) sh[1 + a] = a >= 3 - nsd ? v->shape[2 + a - (3 - nsd)] : 1;
}

/* ws[woff ...] = entries [n0, n0 + nb) of view slot i, contiguous (or the reverse) */
static clrs_status copy_view(call *c, int slot, int64_t n0, int64_t nb, int64_t woff, int unpack)
{
    const clrs__view *v = c->base.views[slot];
    clrs__args a;
    int64_t s[5], sh[4], total;
    clrs_status st;
    int i;
    clrs__conv_strides(v, s);
    sizes4(v, sh);
    total = nb * sh[0] * sh[1] * sh[2] * sh[3];
    if (total == 0) return CLRS_OK;
    if ((st = kernel(c, unpack ? "clrs_conv_unpack" : "clrs_conv_pack", &a)) != CLRS_OK) return st;
    if (unpack) {
        clrs__arg_mem(&a, c->ws);
        clrs__arg_long(&a, woff);
    }
    clrs__arg_mem(&a, c->base.bufs[slot].mem);
    clrs__arg_long(&a, (int64_t)c->base.bufs[slot].elem_offset + n0 * s[0]);
    for (i = 0; i < 5; i++) clrs__arg_long(&a, s[i]);
    for (i = 0; i < 4; i++) clrs__arg_long(&a, sh[i]);
    if (!unpack) {
        clrs__arg_mem(&a, c->ws);
        clrs__arg_long(&a, woff);
    }
    clrs__arg_long(&a, total);
    return run(c, &a, total);
}

/* ---- GEMM through CLBlast ---- */

/* A GEMM operand: element (r, c) of batch b at off + b * gstride + (trans ? r + c * ld : r * ld + c). */
typedef struct {
    cl_mem mem;
    int64_t off, ld, gstride;
    int trans;
} dmat;

#ifdef HAVE_CLBLAST
static clrs_status blast_fail(const char *op, CLBlastStatusCode s)
{
    switch (s) {
    case CLBlastOpenCLCompilerNotAvailable: case CLBlastOpenCLBuildProgramFailure:
    case CLBlastInvalidBinary: case CLBlastInvalidBuildOptions: case CLBlastInvalidProgram:
    case CLBlastInvalidProgramExecutable: case CLBlastInvalidKernelName:
    case CLBlastInvalidKernelDefinition: case CLBlastInvalidKernel: case CLBlastNotImplemented:
    case CLBlastNoHalfPrecision: case CLBlastNoDoublePrecision: case CLBlastInvalidLocalMemUsage:
    case CLBlastDatabaseError: case CLBlastInvalidLocalNumDimensions:
    case CLBlastInvalidLocalThreadsTotal: case CLBlastInvalidLocalThreadsDim:
    case CLBlastInvalidOverrideKernel: case CLBlastMissingOverrideParameter:
    case CLBlastUnknownError: case CLBlastUnexpectedError:
        return clrs__fail(CLRS_ERR_BUILD, "%s: CLBlast cannot run its GEMM on this device (status %d)", op, (int)s);
    case CLBlastTempBufferAllocFailure: case CLBlastOpenCLOutOfResources: case CLBlastOpenCLOutOfHostMemory:
        return clrs__fail(CLRS_ERR_MEMORY, "%s: CLBlast GEMM ran out of memory (status %d)", op, (int)s);
    default:
        return clrs__fail(CLRS_ERR_DEVICE, "%s: CLBlast GEMM failed (status %d)", op, (int)s);
    }
}
#endif

/* C_b (m x n) = op(A_b) (m x k) * op(B_b) (k x n) [+ C_b when acc], b < batch; flip_* transposes
 * an operand. */
static clrs_status gemm(call *c, int dbl, int64_t m, int64_t n, int64_t k, const dmat *A, int flip_a,
                        const dmat *B, int flip_b, int acc, const dmat *C, int64_t batch)
{
#ifdef HAVE_CLBLAST
    cl_event ev = NULL;
    CLBlastStatusCode s;
    dmat a = *A, b = *B;
    int ta = A->trans ^ flip_a, tb = B->trans ^ flip_b;
    int64_t as, bs, cs;
    if (C->trans) { /* C^T (n x m) = op(B)^T op(A)^T */
        dmat t = a;
        int64_t tm = m;
        int tt = ta;
        a = b, b = t, m = n, n = tm;
        ta = !tb, tb = !tt;
    }
    /* a zero stride upsets CLBlast's checks; with one matrix any stride will do */
    as = a.gstride > 0 || batch > 1 ? a.gstride : 1;
    bs = b.gstride > 0 || batch > 1 ? b.gstride : 1;
    cs = C->gstride > 0 || batch > 1 ? C->gstride : 1;
    /* before the call: a routine that fails may still have cached a program */
    __atomic_store_n(&c->base.ctx->used_clblast, 1, __ATOMIC_RELAXED);
    if (dbl)
        s = CLBlastDgemmStridedBatched(CLBlastLayoutRowMajor, ta ? CLBlastTransposeYes : CLBlastTransposeNo,
                                       tb ? CLBlastTransposeYes : CLBlastTransposeNo, (size_t)m, (size_t)n, (size_t)k,
                                       1.0, a.mem, (size_t)a.off, (size_t)a.ld, (size_t)as, b.mem, (size_t)b.off,
                                       (size_t)b.ld, (size_t)bs, acc ? 1.0 : 0.0, C->mem, (size_t)C->off,
                                       (size_t)C->ld, (size_t)cs, (size_t)batch, &c->base.ctx->queue, &ev);
    else
        s = CLBlastSgemmStridedBatched(CLBlastLayoutRowMajor, ta ? CLBlastTransposeYes : CLBlastTransposeNo,
                                       tb ? CLBlastTransposeYes : CLBlastTransposeNo, (size_t)m, (size_t)n, (size_t)k,
                                       1.0f, a.mem, (size_t)a.off, (size_t)a.ld, (size_t)as, b.mem, (size_t)b.off,
                                       (size_t)b.ld, (size_t)bs, acc ? 1.0f : 0.0f, C->mem, (size_t)C->off,
                                       (size_t)C->ld, (size_t)cs, (size_t)batch, &c->base.ctx->queue, &ev);
    if (s != CLBlastSuccess) return blast_fail(c->base.op, s);
    if (ev) clrs__set_last_event(c->base.ctx, ev);
    return CLRS_OK;
#else
    (void)c, (void)dbl, (void)m, (void)n, (void)k, (void)A, (void)flip_a, (void)B, (void)flip_b;
    (void)acc, (void)C, (void)batch;
    return clrs__fail(CLRS_ERR_BUILD, "conv_transpose: built without CLBlast");
#endif
}

/* A view slot as the operand of entry n, group 0 (m from clrs__conv_mat_*). */
static dmat view_mat(const call *c, int slot, const clrs__conv_mat *m, int64_t n)
{
    dmat d;
    d.mem = c->base.bufs[slot].mem;
    d.off = (int64_t)c->base.bufs[slot].elem_offset + n * m->nstride;
    d.ld = m->ld, d.gstride = m->gstride, d.trans = m->trans;
    return d;
}

static dmat ws_mat(const call *c, int64_t off, int64_t ld, int64_t gstride)
{
    dmat d;
    d.mem = c->ws, d.off = off, d.ld = ld, d.gstride = gstride, d.trans = 0;
    return d;
}

static clrs_status make_ws(call *c, const clrs__conv_ws *ws)
{
    cl_int err;
    const uint64_t bytes = (uint64_t)ws->total * ws->esize;
    if (c->base.ctx->info.max_alloc_bytes && bytes > c->base.ctx->info.max_alloc_bytes)
        return clrs__fail(CLRS_ERR_MEMORY, "%s: the workspace (%llu bytes) exceeds the device's largest allocation",
                          c->base.op, (unsigned long long)bytes);
    c->ws = clCreateBuffer(c->base.ctx->cl, CL_MEM_READ_WRITE, (size_t)(bytes ? bytes : ws->esize), NULL, &err);
    if (!c->ws) return clrs__cl_fail(err, c->base.op, "clCreateBuffer(workspace)");
    c->ws_esize = ws->esize;
    return CLRS_OK;
}

static void tensor_args(clrs__args *a, const call *c, int slot, int64_t n0)
{
    int64_t s[5];
    int i;
    clrs__conv_strides(c->base.views[slot], s);
    clrs__arg_mem(a, c->base.bufs[slot].mem);
    clrs__arg_long(a, (int64_t)c->base.bufs[slot].elem_offset + n0 * s[0]);
    for (i = 0; i < 5; i++) clrs__arg_long(a, s[i]);
}

void clrs__cl_blast_release(clrs_context *ctx)
{
#ifdef HAVE_CLBLAST
    /* CLBlast 1.5 can only clear its whole cache (programs and binaries of every context and
     * device), so other live contexts rebuild their GEMM kernels once on their next call.
     * Without this each context that ran a GEMM stayed alive (~2 MB) until the process
     * ended. */
    if (__atomic_load_n(&ctx->used_clblast, __ATOMIC_RELAXED)) CLBlastClearCache();
#else
    (void)ctx;
#endif
}

static int blast_available(void)
{
#ifdef HAVE_CLBLAST
    return 1;
#else
    return 0;
#endif
}

size_t clrs__cl_conv_transpose_workspace(const clrs_context *ctx, const clrs__conv_geom *g,
                                         const clrs__view *input, const clrs__view *weight)
{
    clrs__conv_mat mx, mw;
    clrs__conv_ws ws;
    if (!blast_available()) return 0;
    clrs__conv_mat_image(input, g, &mx);
    clrs__conv_mat_weight(weight, g, &mw);
    clrs__conv_workspace(g, input->dtype, !mx.ok, !mw.ok, 0, 0, clrs__conv_ws_cap(&ctx->info), &ws);
    return (size_t)ws.total * ws.esize;
}

/* views: 0 input, 1 weight, 2 bias, 3 output */
clrs_status clrs__cl_conv_transpose(clrs_context *ctx, const clrs__conv_geom *g,
                                    const clrs__view *input, const clrs__view *weight,
                                    const clrs__view *bias, const clrs__view *out)
{
    const int dbl = input->dtype == CLRS_F64;
    call c;
    clrs__conv_mat mx, mw;
    clrs__conv_ws ws;
    clrs_conv_geom cg;
    dmat W;
    clrs_status st;
    int64_t n0, b;
    if (!blast_available())
        return clrs__fail(CLRS_ERR_BUILD, "conv_transpose: built without CLBlast; OpenCL devices need it for the GEMMs");
    if ((st = call_begin(&c, ctx, "conv_transpose", input->dtype)) != CLRS_OK) return st;
    clrs__conv_mat_image(input, g, &mx);
    clrs__conv_mat_weight(weight, g, &mw);
    clrs__conv_workspace(g, input->dtype, !mx.ok, !mw.ok, 0, 0, clrs__conv_ws_cap(&ctx->info), &ws);
    to_cg(g, &cg);
    if ((st = call_view(&c, 0, input, 0)) != CLRS_OK || (st = call_view(&c, 1, weight, 0)) != CLRS_OK ||
        (st = call_view(&c, 2, bias, 0)) != CLRS_OK || (st = call_view(&c, 3, out, 1)) != CLRS_OK ||
        (st = make_ws(&c, &ws)) != CLRS_OK)
        return call_end(&c, st);
    if (mw.ok) {
        W = view_mat(&c, 1, &mw, 0);
    } else {
        st = copy_view(&c, 1, 0, g->Cin, ws.wpack, 0);
        W = ws_mat(&c, ws.wpack, g->M, g->Cin_g * g->M);
    }
    for (n0 = 0; n0 < g->N && st == CLRS_OK; n0 += ws.nb) {
        const int64_t nb = g->N - n0 < ws.nb ? g->N - n0 : ws.nb;
        clrs__args a;
        if (!mx.ok) st = copy_view(&c, 0, n0, nb, ws.xpack, 0);
        for (b = 0; b < nb && st == CLRS_OK; b++) { /* cols_g (M x L) = W_g^T X_g, batched over g */
            const dmat X = mx.ok ? view_mat(&c, 0, &mx, n0 + b) : ws_mat(&c, ws.xpack + b * g->Cin * g->L, g->L, g->Cin_g * g->L);
            const dmat C = ws_mat(&c, ws.cols + b * g->G * g->M * g->L, g->L, g->M * g->L);
            st = gemm(&c, dbl, g->M, g->L, g->Cin_g, &W, 1, &X, 0, 0, &C, g->G);
        }
        if (st == CLRS_OK && (st = kernel(&c, "clrs_conv_col2im", &a)) == CLRS_OK) {
            const int64_t total = nb * g->Cout * g->Lout;
            clrs__arg_mem(&a, c.ws);
            clrs__arg_long(&a, ws.cols);
            clrs__arg_mem(&a, bias ? c.base.bufs[2].mem : c.ws);
            clrs__arg_long(&a, bias ? (int64_t)c.base.bufs[2].elem_offset : 0);
            clrs__arg_long(&a, bias ? bias->strides[0] : 0);
            clrs__arg_int(&a, bias != NULL);
            tensor_args(&a, &c, 3, n0);
            clrs__arg(&a, sizeof cg, &cg);
            clrs__arg_long(&a, total);
            st = run(&c, &a, total);
        }
    }
    return call_end(&c, st);
}

/* views: 0 grad_output, 1 input, 2 weight, 3 grad_input, 4 grad_weight, 5 grad_bias */
clrs_status clrs__cl_conv_transpose_backward(clrs_context *ctx, const clrs__conv_geom *g,
                                             const clrs__view *gout, const clrs__view *input,
                                             const clrs__view *weight, const clrs__view *ginput,
                                             const clrs__view *gweight, const clrs__view *gbias)
{
    const int dbl = input->dtype == CLRS_F64;
    call c;
    clrs__conv_mat mx, mw, mgx, mgw;
    clrs__conv_ws ws;
    clrs_conv_geom cg;
    dmat W, GW;
    clrs__args a;
    clrs_status st;
    int64_t n0, b;
    if (!blast_available() && (ginput || gweight))
        return clrs__fail(CLRS_ERR_BUILD, "conv_transpose_backward: built without CLBlast; OpenCL devices need it for the GEMMs");
    if ((st = call_begin(&c, ctx, "conv_transpose_backward", input->dtype)) != CLRS_OK) return st;
    c.base.op = "conv_transpose_backward";
    clrs__conv_mat_image(input, g, &mx);
    clrs__conv_mat_weight(weight, g, &mw);
    memset(&mgx, 0, sizeof mgx);
    memset(&mgw, 0, sizeof mgw);
    if (ginput) clrs__conv_mat_image(ginput, g, &mgx);
    if (gweight) clrs__conv_mat_weight(gweight, g, &mgw);
    clrs__conv_workspace(g, input->dtype, gweight && !mx.ok, ginput && !mw.ok, ginput && !mgx.ok,
                         gweight && (!mgw.ok || g->N == 0), clrs__conv_ws_cap(&ctx->info), &ws);
    to_cg(g, &cg);
    if ((st = call_view(&c, 0, gout, 0)) != CLRS_OK || (st = call_view(&c, 1, gweight ? input : NULL, 0)) != CLRS_OK ||
        (st = call_view(&c, 2, ginput ? weight : NULL, 0)) != CLRS_OK || (st = call_view(&c, 3, ginput, 1)) != CLRS_OK ||
        (st = call_view(&c, 4, gweight, 1)) != CLRS_OK || (st = call_view(&c, 5, gbias, 1)) != CLRS_OK)
        return call_end(&c, st);
    if ((ginput || gweight) && (st = make_ws(&c, &ws)) != CLRS_OK) return call_end(&c, st);
    if (ginput) {
        if (mw.ok) {
            W = view_mat(&c, 2, &mw, 0);
        } else {
            st = copy_view(&c, 2, 0, g->Cin, ws.wpack, 0);
            W = ws_mat(&c, ws.wpack, g->M, g->Cin_g * g->M);
        }
    }
    if (gweight) GW = mgw.ok && g->N > 0 ? view_mat(&c, 4, &mgw, 0) : ws_mat(&c, ws.gw, g->M, g->Cin_g * g->M);
    for (n0 = 0; n0 < g->N && (ginput || gweight) && st == CLRS_OK; n0 += ws.nb) {
        const int64_t nb = g->N - n0 < ws.nb ? g->N - n0 : ws.nb;
        if ((st = kernel(&c, "clrs_conv_im2col", &a)) == CLRS_OK) {
            const int64_t total = nb * g->G * g->M * g->L;
            tensor_args(&a, &c, 0, n0);
            clrs__arg_mem(&a, c.ws);
            clrs__arg_long(&a, ws.cols);
            clrs__arg(&a, sizeof cg, &cg);
            clrs__arg_long(&a, total);
            st = run(&c, &a, total);
        }
        if (ginput) {
            for (b = 0; b < nb && st == CLRS_OK; b++) { /* gx_g (C_in/g x L) = W_g cols_g */
                const dmat C = ws_mat(&c, ws.cols + b * g->G * g->M * g->L, g->L, g->M * g->L);
                const dmat GX = mgx.ok ? view_mat(&c, 3, &mgx, n0 + b)
                                       : ws_mat(&c, ws.gx + b * g->Cin * g->L, g->L, g->Cin_g * g->L);
                st = gemm(&c, dbl, g->Cin_g, g->L, g->M, &W, 0, &C, 0, 0, &GX, g->G);
            }
            if (st == CLRS_OK && !mgx.ok) st = copy_view(&c, 3, n0, nb, ws.gx, 1);
        }
        if (gweight) {
            if (st == CLRS_OK && !mx.ok) st = copy_view(&c, 1, n0, nb, ws.xpack, 0);
            for (b = 0; b < nb && st == CLRS_OK; b++) { /* gw_g (C_in/g x M) += X_g cols_g^T, in order */
                const dmat C = ws_mat(&c, ws.cols + b * g->G * g->M * g->L, g->L, g->M * g->L);
                const dmat X = mx.ok ? view_mat(&c, 1, &mx, n0 + b)
                                     : ws_mat(&c, ws.xpack + b * g->Cin * g->L, g->L, g->Cin_g * g->L);
                st = gemm(&c, dbl, g->Cin_g, g->M, g->L, &X, 0, &C, 1, n0 + b > 0, &GW, g->G);
            }
        }
    }
    if (st == CLRS_OK && gweight && g->N == 0 && (st = kernel(&c, "clrs_conv_zero", &a)) == CLRS_OK) {
        clrs__arg_mem(&a, c.ws);
        clrs__arg_long(&a, ws.gw);
        clrs__arg_long(&a, g->Cin * g->M);
        st = run(&c, &a, g->Cin * g->M);
    }
    if (st == CLRS_OK && gweight && (!mgw.ok || g->N == 0)) st = copy_view(&c, 4, 0, g->Cin, ws.gw, 1);
    if (st == CLRS_OK && gbias && (st = kernel(&c, "clrs_conv_grad_bias", &a)) == CLRS_OK) {
        tensor_args(&a, &c, 0, 0);
        clrs__arg_mem(&a, c.base.bufs[5].mem);
        clrs__arg_long(&a, (int64_t)c.base.bufs[5].elem_offset);
        clrs__arg_long(&a, gbias->strides[0]);
        clrs__arg_long(&a, g->N);
        clrs__arg_long(&a, g->Cout);
        clrs__arg(&a, sizeof cg, &cg);
        st = run(&c, &a, g->Cout);
    }
    return call_end(&c, st);
}
