/* clrs-resize — resize a PNG or JPEG with clrs_interpolate on an OpenCL device or the host:
 * libpng in and out (gray, gray+alpha, RGB, RGBA at 1-16 bits; palette expanded), libjpeg-turbo's
 * TurboJPEG API in and out (8-bit gray and RGB) when built with it, the image as an N=1
 * channels-last tensor (uint8 when 8 bits in and out, as PyTorch's uint8 interpolate; else
 * float), output in the input's channels (and bit depth for PNG), written
 * atomically. The input's format comes from its first bytes, the output's from OUT's extension.
 * --compare and --fill are the helpers tests/test_resize.sh needs. */
#include "clresample.h"

#include <png.h>
#ifdef CLRS_HAVE_TURBOJPEG
#include <turbojpeg.h>
#endif

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define PROG "clrs-resize"
#define MAX_DIM 1000000 /* libpng's default limit on width and height */
#define MAX_JPEG_DIM 65535 /* JPEG's frame header holds 16-bit sizes */
#define DEFAULT_QUALITY 95

/* File formats: the input's is sniffed from its magic bytes, the output's taken from OUT's
 * extension (a name says what the user asked for; a file's bytes say what it is). */
enum { FMT_PNG = 0, FMT_JPEG = 1 };
static const char *const format_names[] = {"PNG", "JPEG"};

/* Exit statuses. */
#define EXIT_FAIL 1  /* a file could not be read or written, the library failed */
#define EXIT_USAGE 2 /* bad arguments, including those the library rejects */

/* ---- images ------------------------------------------------------------------------------ */

typedef struct {
    uint32_t width, height;
    int channels; /* 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA */
    int depth;    /* bits per sample as written: 1, 2, 4 (gray only), 8 or 16 */
    uint16_t *v;  /* height * width * channels samples, interleaved (HWC), 0 .. 2^depth - 1 */
    const char *expanded; /* how libpng expanded the file's format, or NULL */
    int format;           /* FMT_PNG or FMT_JPEG: what it was read from */
} image;

static const char *channels_name(int c)
{
    static const char *const names[] = {"?", "gray", "gray+alpha", "RGB", "RGBA"};
    return c >= 1 && c <= 4 ? names[c] : names[0];
}

static int color_type_of(int channels)
{
    switch (channels) {
    case 1: return PNG_COLOR_TYPE_GRAY;
    case 2: return PNG_COLOR_TYPE_GRAY_ALPHA;
    case 3: return PNG_COLOR_TYPE_RGB;
    default: return PNG_COLOR_TYPE_RGB_ALPHA;
    }
}

static unsigned max_value(int depth) { return (1u << depth) - 1u; }

/* w * h * c samples, or 0 when that does not fit in memory's address range with room for
 * 4-byte floats. */
static size_t sample_count(uint32_t w, uint32_t h, int c)
{
    size_t n = (size_t)w;
    if (w == 0 || h == 0 || n > SIZE_MAX / 16 / h) return 0;
    n *= h;
    if (n > SIZE_MAX / 16 / (size_t)c) return 0;
    return n * (size_t)c;
}

/* ---- libpng plumbing --------------------------------------------------------------------- */

/* Everything one libpng read or write touches. It lives in the caller's frame and is reached
 * through a pointer from the function that calls setjmp, so what it holds after a longjmp is
 * well defined (no non-volatile local of the setjmp caller changes after setjmp); the caller
 * frees whatever is set, on success and failure alike. */
typedef struct {
    FILE *fp;
    png_structp png;
    png_infop info;
    png_bytep buf;   /* the decoded or encoded rows */
    png_bytep *rows; /* row pointers into buf */
    char msg[256];   /* the first libpng error */
} png_job;

static void PNGCBAPI on_png_error(png_structp png, png_const_charp msg)
{
    png_job *j = (png_job *)png_get_error_ptr(png);
    if (j && !j->msg[0]) snprintf(j->msg, sizeof j->msg, "%s", msg ? msg : "libpng error");
    png_longjmp(png, 1);
}

static void PNGCBAPI on_png_warning(png_structp png, png_const_charp msg)
{
    (void)png, (void)msg; /* ancillary-chunk trouble: the pixels are still good */
}

static void PNGCBAPI read_data(png_structp png, png_bytep data, png_size_t len)
{
    FILE *fp = (FILE *)png_get_io_ptr(png);
    if (fread(data, 1, len, fp) != len) {
        if (ferror(fp)) png_error(png, strerror(errno));
        png_error(png, "unexpected end of file (truncated)");
    }
}

static void PNGCBAPI write_data(png_structp png, png_bytep data, png_size_t len)
{
    FILE *fp = (FILE *)png_get_io_ptr(png);
    if (fwrite(data, 1, len, fp) != len) png_error(png, strerror(errno));
}

static void PNGCBAPI flush_data(png_structp png)
{
    FILE *fp = (FILE *)png_get_io_ptr(png);
    if (fflush(fp) != 0) png_error(png, strerror(errno));
}

static void job_free(png_job *j, int writing)
{
    if (j->png) {
        if (writing) png_destroy_write_struct(&j->png, j->info ? &j->info : NULL);
        else png_destroy_read_struct(&j->png, j->info ? &j->info : NULL, NULL);
    }
    free(j->rows);
    free(j->buf);
    j->png = NULL, j->info = NULL, j->rows = NULL, j->buf = NULL;
}

/* Decodes j->fp (its 8 signature bytes already read and checked) into img. 0 or -1. */
static int decode(png_job *j, image *img)
{
    png_uint_32 w, h, y;
    int bd, ct, il, depth, ch;
    size_t rowbytes, n;
    if (setjmp(png_jmpbuf(j->png))) return -1;
    png_set_read_fn(j->png, j->fp, read_data);
    png_set_sig_bytes(j->png, 8);
    png_read_info(j->png, j->info);
    png_get_IHDR(j->png, j->info, &w, &h, &bd, &ct, &il, NULL, NULL);
    depth = bd;
    if (ct == PNG_COLOR_TYPE_PALETTE) {
        png_set_palette_to_rgb(j->png);
        depth = 8;
        img->expanded = "palette";
    }
    if (png_get_valid(j->png, j->info, PNG_INFO_tRNS)) { /* a color key becomes alpha */
        if (ct == PNG_COLOR_TYPE_GRAY && bd < 8) {
            png_set_expand_gray_1_2_4_to_8(j->png);
            depth = 8;
        }
        png_set_tRNS_to_alpha(j->png);
        if (!img->expanded) img->expanded = "tRNS color key";
    } else if (bd < 8) {
        png_set_packing(j->png); /* one sample a byte, values kept at 0 .. 2^bd - 1 */
    }
    png_set_interlace_handling(j->png);
    png_read_update_info(j->png, j->info);
    ch = png_get_channels(j->png, j->info);
    bd = png_get_bit_depth(j->png, j->info);
    rowbytes = png_get_rowbytes(j->png, j->info);
    if (ch < 1 || ch > 4 || (bd != 8 && bd != 16) || (depth == 16) != (bd == 16) ||
        rowbytes != (size_t)w * (size_t)ch * (size_t)(bd / 8))
        png_error(j->png, "unsupported PNG format");
    n = sample_count(w, h, ch);
    if (!n) png_error(j->png, "image too large");
    if (!(j->buf = malloc(rowbytes * h)) || !(j->rows = malloc(sizeof *j->rows * h)) ||
        !(img->v = malloc(n * sizeof *img->v)))
        png_error(j->png, "out of memory");
    for (y = 0; y < h; y++) j->rows[y] = j->buf + (size_t)y * rowbytes;
    img->width = w, img->height = h, img->channels = ch, img->depth = depth;
    png_read_image(j->png, j->rows);
    png_read_end(j->png, NULL); /* checks the rest of the file up to IEND */
    return 0;
}

/* The decoded rows (8 or 16 bits a sample) into img->v. */
static void unpack_rows(const png_job *j, image *img)
{
    const size_t per_row = (size_t)img->width * (size_t)img->channels;
    size_t y, k, i = 0;
    for (y = 0; y < img->height; y++) {
        const png_byte *r = j->rows[y];
        for (k = 0; k < per_row; k++, i++)
            img->v[i] = img->depth == 16 ? (uint16_t)(r[2 * k] << 8 | r[2 * k + 1]) : r[k];
    }
}

/* Decodes a PNG from fp, whose 8 signature bytes were already read and checked. 0, or -1
 * with a message in err. */
static int load_png(FILE *fp, const char *path, image *img, char *err, size_t errlen)
{
    png_job j;
    int rc = -1;
    memset(&j, 0, sizeof j);
    j.fp = fp;
    if (!(j.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &j, on_png_error, on_png_warning)) ||
        !(j.info = png_create_info_struct(j.png))) {
        snprintf(err, errlen, "%s: out of memory", path);
    } else if (decode(&j, img) != 0) {
        snprintf(err, errlen, "%s: bad PNG: %s", path, j.msg[0] ? j.msg : "libpng error");
    } else {
        unpack_rows(&j, img);
        img->format = FMT_PNG;
        rc = 0;
    }
    job_free(&j, 0);
    return rc;
}

/* ---- TurboJPEG plumbing ------------------------------------------------------------------ */

#ifdef CLRS_HAVE_TURBOJPEG
/* Decodes the whole JPEG file in buf (len bytes) into img: 8-bit gray stays gray, YCbCr and
 * RGB become RGB; CMYK and YCCK are refused (there is no right RGB for them without a color
 * profile). Any libjpeg warning fails the read: a truncated JPEG decodes "successfully" with
 * gray filling the missing rows, and a resize of that is not what anyone asked for. 0, or -1
 * with a message in err. */
static int decode_jpeg(const unsigned char *buf, size_t len, const char *path, image *img, char *err,
                       size_t errlen)
{
    int w = 0, h = 0, subsamp = 0, cs = 0, rc = -1, pf;
    int flags = TJFLAG_ACCURATEDCT | TJFLAG_STOPONWARNING;
    unsigned char *px = NULL;
    size_t n, i;
    tjhandle tj;
#ifdef TJFLAG_LIMITSCANS
    flags |= TJFLAG_LIMITSCANS; /* a crafted progressive file can otherwise take minutes */
#endif
    if ((unsigned long)len != len) {
        snprintf(err, errlen, "%s: too large for TurboJPEG", path);
        return -1;
    }
    if (!(tj = tjInitDecompress())) {
        snprintf(err, errlen, "%s: cannot start the JPEG decoder: %s", path, tjGetErrorStr2(NULL));
        return -1;
    }
    if (tjDecompressHeader3(tj, buf, (unsigned long)len, &w, &h, &subsamp, &cs) != 0) {
        snprintf(err, errlen, "%s: bad JPEG: %s", path, tjGetErrorStr2(tj));
    } else if (cs == TJCS_CMYK || cs == TJCS_YCCK) {
        snprintf(err, errlen, "%s: a CMYK JPEG; only gray and RGB (YCbCr) JPEGs are supported", path);
    } else if (w < 1 || h < 1) { /* what a file cut off before its frame header gives */
        snprintf(err, errlen, "%s: bad JPEG: no image header (truncated?)", path);
    } else if (!(n = sample_count((uint32_t)w, (uint32_t)h, cs == TJCS_GRAY ? 1 : 3))) {
        snprintf(err, errlen, "%s: image too large (%dx%d)", path, w, h);
    } else if (!(px = malloc(n)) || !(img->v = malloc(n * sizeof *img->v))) {
        snprintf(err, errlen, "%s: out of memory for a %dx%d image", path, w, h);
    } else {
        img->channels = cs == TJCS_GRAY ? 1 : 3;
        pf = img->channels == 1 ? TJPF_GRAY : TJPF_RGB;
        if (tjDecompress2(tj, buf, (unsigned long)len, px, w, 0 /* packed rows */, h, pf, flags) != 0) {
            snprintf(err, errlen, "%s: bad JPEG: %s", path, tjGetErrorStr2(tj));
        } else {
            for (i = 0; i < n; i++) img->v[i] = px[i];
            img->width = (uint32_t)w, img->height = (uint32_t)h, img->depth = 8;
            img->format = FMT_JPEG;
            rc = 0;
        }
    }
    free(px);
    tjDestroy(tj);
    return rc;
}

/* Encodes img (8-bit gray or RGB) into a JPEG of the given quality and writes it to fp. No
 * chroma subsampling (4:4:4): a resize tool should not halve the color resolution of what it
 * just resampled. 0, or -1 with a message in err. */
static int write_jpeg(FILE *fp, const char *path, const image *img, int quality, char *err, size_t errlen)
{
    const size_t n = sample_count(img->width, img->height, img->channels);
    unsigned char *px = NULL, *jpeg = NULL;
    unsigned long jpeg_size = 0;
    size_t i;
    int rc = -1;
    tjhandle tj = NULL;
    if (!(px = malloc(n))) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    for (i = 0; i < n; i++) px[i] = (unsigned char)img->v[i];
    if (!(tj = tjInitCompress())) {
        snprintf(err, errlen, "%s: cannot start the JPEG encoder: %s", path, tjGetErrorStr2(NULL));
    } else if (tjCompress2(tj, px, (int)img->width, 0, (int)img->height,
                           img->channels == 1 ? TJPF_GRAY : TJPF_RGB, &jpeg, &jpeg_size,
                           img->channels == 1 ? TJSAMP_GRAY : TJSAMP_444, quality,
                           TJFLAG_ACCURATEDCT) != 0) {
        snprintf(err, errlen, "%s: cannot encode the JPEG: %s", path, tjGetErrorStr2(tj));
    } else if (fwrite(jpeg, 1, jpeg_size, fp) != jpeg_size || fflush(fp) != 0) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
    } else {
        rc = 0;
    }
    tjFree(jpeg);
    if (tj) tjDestroy(tj);
    free(px);
    return rc;
}

/* The rest of fp (whose first `have` bytes are already in head) into a new buffer, for
 * TurboJPEG, which decodes from memory. 0, or -1 with a message in err. */
static int slurp(FILE *fp, const char *path, const unsigned char *head, size_t have, unsigned char **buf,
                 size_t *len, char *err, size_t errlen)
{
    size_t cap = 1 << 16, got = have;
    unsigned char *b = malloc(cap), *nb;
    if (!b) goto oom;
    memcpy(b, head, have);
    for (;;) {
        got += fread(b + got, 1, cap - got, fp);
        if (got < cap) break;
        if (cap > SIZE_MAX / 2 || !(nb = realloc(b, cap * 2))) goto oom;
        b = nb, cap *= 2;
    }
    if (ferror(fp)) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        free(b);
        return -1;
    }
    *buf = b, *len = got;
    return 0;
oom:
    free(b);
    snprintf(err, errlen, "%s: out of memory", path);
    return -1;
}
#endif

/* Reads a PNG or JPEG, told apart by their magic bytes. 0, or -1 with a message in err. */
static int load_image(const char *path, image *img, char *err, size_t errlen)
{
    static const unsigned char jpeg_magic[3] = {0xFF, 0xD8, 0xFF}; /* SOI, then a marker */
    unsigned char sig[8];
    size_t got;
    int rc = -1;
    FILE *fp;
    memset(img, 0, sizeof *img);
    if (!(fp = fopen(path, "rb"))) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    got = fread(sig, 1, sizeof sig, fp);
    if (got < sizeof sig && ferror(fp)) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
    } else if (got == sizeof sig && png_sig_cmp(sig, 0, sizeof sig) == 0) {
        rc = load_png(fp, path, img, err, errlen);
    } else if (got >= sizeof jpeg_magic && !memcmp(sig, jpeg_magic, sizeof jpeg_magic)) {
#ifdef CLRS_HAVE_TURBOJPEG
        unsigned char *buf = NULL;
        size_t len = 0;
        if (slurp(fp, path, sig, got, &buf, &len, err, errlen) == 0)
            rc = decode_jpeg(buf, len, path, img, err, errlen);
        free(buf);
#else
        snprintf(err, errlen, "%s: a JPEG file, but " PROG " was built without JPEG support "
                 "(libturbojpeg was not found at configure time)", path);
#endif
    } else {
        snprintf(err, errlen, "%s: not a PNG or JPEG file", path);
    }
    fclose(fp);
    if (rc != 0) {
        free(img->v);
        img->v = NULL;
    }
    return rc;
}

/* img->v into rows for libpng: 16-bit samples big-endian, others one a byte (packed by
 * libpng). 0, or -1 out of memory. */
static int pack_rows(png_job *j, const image *img)
{
    const size_t per_row = (size_t)img->width * (size_t)img->channels;
    const size_t rowbytes = per_row * (img->depth == 16 ? 2 : 1);
    size_t y, k, i = 0;
    if (!(j->buf = malloc(rowbytes * img->height)) ||
        !(j->rows = malloc(sizeof *j->rows * img->height)))
        return -1;
    for (y = 0; y < img->height; y++) {
        png_bytep r = j->rows[y] = j->buf + y * rowbytes;
        for (k = 0; k < per_row; k++, i++) {
            if (img->depth == 16) r[2 * k] = (png_byte)(img->v[i] >> 8), r[2 * k + 1] = (png_byte)img->v[i];
            else r[k] = (png_byte)img->v[i];
        }
    }
    return 0;
}

/* Encodes img (rows already packed into j) into j->fp. 0 or -1. */
static int encode(png_job *j, const image *img)
{
    if (setjmp(png_jmpbuf(j->png))) return -1;
    png_set_write_fn(j->png, j->fp, write_data, flush_data);
    png_set_IHDR(j->png, j->info, img->width, img->height, img->depth, color_type_of(img->channels),
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(j->png, j->info);
    if (img->depth < 8) png_set_packing(j->png); /* rows hold one sample a byte */
    png_write_image(j->png, j->rows);
    png_write_end(j->png, NULL);
    return 0;
}

/* Writes img to path as a PNG or (8-bit gray or RGB only; the caller checks) a JPEG of the
 * given quality, through a temporary file next to it, renamed over path on success and
 * removed on failure: path is either the whole new image or untouched. 0, or -1 with a
 * message in err. */
static int save_image(const char *path, const image *img, int format, int quality, char *err,
                      size_t errlen)
{
    png_job j;
    char *tmp;
    int fd, rc = -1;
    mode_t mask;
    memset(&j, 0, sizeof j);
    if (!(tmp = malloc(strlen(path) + 16))) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    sprintf(tmp, "%s.tmp-XXXXXX", path);
    if ((fd = mkstemp(tmp)) < 0) {
        snprintf(err, errlen, "%s: cannot create a file next to it: %s", path, strerror(errno));
        free(tmp);
        return -1;
    }
    mask = umask(0); /* mkstemp made it 0600; give it what open(..., 0666) would */
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0 || !(j.fp = fdopen(fd, "wb"))) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        close(fd);
    } else if (format == FMT_JPEG) {
#ifdef CLRS_HAVE_TURBOJPEG
        rc = write_jpeg(j.fp, path, img, quality, err, errlen);
#else
        (void)quality; /* refused with the arguments; kept so a caller's mistake is not silent */
        snprintf(err, errlen, "%s: " PROG " was built without JPEG support", path);
#endif
    } else if (pack_rows(&j, img) != 0 ||
               !(j.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &j, on_png_error,
                                                  on_png_warning)) ||
               !(j.info = png_create_info_struct(j.png))) {
        snprintf(err, errlen, "%s: out of memory", path);
    } else if (encode(&j, img) != 0) {
        snprintf(err, errlen, "%s: cannot write: %s", path, j.msg[0] ? j.msg : "libpng error");
    } else {
        rc = 0;
    }
    job_free(&j, 1);
    if (j.fp) {
        if (fclose(j.fp) != 0 && rc == 0) {
            snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
            rc = -1;
        }
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: cannot replace it with %s: %s", path, tmp, strerror(errno));
        rc = -1;
    }
    if (rc != 0) unlink(tmp);
    free(tmp);
    return rc;
}

/* ---- arguments --------------------------------------------------------------------------- */

static int bad_usage(const char *what);

static void usage(FILE *f)
{
    fprintf(f,
            "usage: " PROG " IN OUT (--size WxH | --scale F) [--mode M] [--antialias]\n"
            "                   [--align-corners] [--device D] [--quality N] [--repeat N]\n"
            "       " PROG " --compare A B [--tolerance N]\n"
            "       " PROG " --fill W H C DEPTH VALUE OUT\n"
            "\n"
            "Resizes a PNG or JPEG with clresample's interpolate (PyTorch's F.interpolate on the\n"
            "image as a 1 x C x H x W tensor, viewed channels-last) on an OpenCL device or the\n"
            "host, and writes a PNG or JPEG with the input's channels. 8-bit in and out (every\n"
            "mode but area) is a uint8 tensor end to end: PyTorch's uint8 results, bit for bit.\n"
            "Otherwise samples are read as float value / (2^depth - 1), rounded to nearest and\n"
            "clamped on the way back; alpha is\n"
            "resampled like any channel (not premultiplied). Palette images come out as RGB(A),\n"
            "a tRNS color key as an alpha channel. OUT is replaced only when all went well.\n"
            "\n"
            "Formats: IN's format is taken from its first bytes (PNG or JPEG, whatever its name);\n"
            "OUT's from its extension: .png, or .jpg / .jpeg (any case) for JPEG.\n"
            "  PNG: gray, gray+alpha, RGB, RGBA at 1, 2, 4 (gray), 8 or 16 bits; a PNG output keeps\n"
            "       the input's bit depth (8 bits from a JPEG).\n"
            "  JPEG: 8-bit gray and RGB (YCbCr) in; CMYK JPEGs are refused. JPEG out is 8-bit gray\n"
            "       or RGB, no chroma subsampling, at --quality (default %d); a 16-bit PNG becomes\n"
            "       8 bits. An input with alpha cannot be written as JPEG (it has no alpha): that\n"
            "       is refused rather than the alpha dropped; write a PNG instead.\n"
#ifndef CLRS_HAVE_TURBOJPEG
            "  This build has no JPEG support (libturbojpeg was not found at configure time).\n"
#endif
            "\n"
            "  --size WxH       output width and height in pixels\n"
            "  --scale F        scale factor for both axes (output size floor(input * F))\n"
            "  --mode M         nearest | nearest-exact | bilinear (default) | bicubic | area |\n"
            "                   lanczos (Lanczos-3 as PIL's LANCZOS; always antialiased)\n"
            "  --antialias      antialiased downscaling (bilinear and bicubic; lanczos implies it)\n"
            "  --align-corners  align_corners=True (bilinear and bicubic only; default None)\n"
            "  --device D       auto, gpu, cpu, host, P:D (platform:device) or part of a device\n"
            "                   name, any case, as CLRS_DEVICE; default $CLRS_DEVICE, else auto\n"
            "  --quality N      JPEG quality 1-100 (default %d); only with a JPEG OUT\n"
            "  --repeat N       resample N times (default 1); print the first and best time\n"
            "  --help           this text\n"
            "Prints the device and the time of the resample call (host memory in and out, so\n"
            "transfers included; a first call on a device also builds or loads its programs).\n"
            "\n"
            "--compare: exit 0 when A and B (PNG or JPEG) decode to the same width, height,\n"
            "  channels and bit depth and no two samples differ by more than N (default 0);\n"
            "  otherwise print how they differ and exit 1.\n"
            "--fill: write a W x H image with C channels (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA) of\n"
            "  DEPTH bits (1, 2 or 4 for gray only, 8, 16), every sample VALUE (0 .. 2^DEPTH-1);\n"
            "  VALUE \"pattern\" gives a fixed test pattern instead (ramps, noise, sharp edges).\n"
            "  A .jpg / .jpeg OUT takes C 1 or 3 and DEPTH 8 (written at quality %d).\n"
            "\n"
            "Exit status:\n"
            "  0  success (--compare: the images match)\n"
            "  1  a file could not be read, decoded or written (missing, truncated, corrupt, not\n"
            "     PNG or JPEG, a CMYK JPEG, a JPEG in a build without JPEG support), the resample\n"
            "     failed on the device, or memory ran out; --compare: the images differ\n"
            "  2  bad arguments: an unknown option or a bad value, an OUT extension other than\n"
            "     .png/.jpg/.jpeg (or JPEG in a build without it), --quality with a PNG OUT, a\n"
            "     device (--device or $CLRS_DEVICE) that does not exist or cannot be opened,\n"
            "     parameters or an output size the library or the format refuses, and an image\n"
            "     with alpha written as JPEG\n",
            DEFAULT_QUALITY, DEFAULT_QUALITY, DEFAULT_QUALITY);
}

/* FMT_PNG or FMT_JPEG from path's extension (any case), or -1 for any other. */
static int format_of_name(const char *path)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash)) return -1;
    if (!strcasecmp(dot, ".png")) return FMT_PNG;
    if (!strcasecmp(dot, ".jpg") || !strcasecmp(dot, ".jpeg")) return FMT_JPEG;
    return -1;
}

/* Checks OUT's extension. 0 and *fmt set, or EXIT_USAGE after a one-line message. */
static int out_format(const char *what, const char *path, int *fmt)
{
    char msg[600];
    *fmt = format_of_name(path);
    if (*fmt < 0) {
        snprintf(msg, sizeof msg, "%s '%s': the extension must be .png, .jpg or .jpeg (any case); it "
                 "chooses the format", what, path);
        return bad_usage(msg);
    }
#ifndef CLRS_HAVE_TURBOJPEG
    if (*fmt == FMT_JPEG) {
        snprintf(msg, sizeof msg, "%s '%s': " PROG " was built without JPEG support (libturbojpeg was "
                 "not found at configure time); write a .png", what, path);
        return bad_usage(msg);
    }
#endif
    return 0;
}

/* One-line error for a bad argument; returns EXIT_USAGE. */
static int bad_usage(const char *what)
{
    fprintf(stderr, PROG ": %s (" PROG " --help for usage)\n", what);
    return EXIT_USAGE;
}

/* A decimal integer in [lo, hi], the whole string. */
static int parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v;
    if (!s || !(*s >= '0' && *s <= '9')) return -1; /* no sign, no spaces */
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

/* WxH: digits, 'x', digits. 0, -1 malformed, -2 out of range. */
static int parse_size(const char *s, long *w, long *h)
{
    const char *x = strpbrk(s, "xX");
    char buf[32];
    size_t k;
    if (!x || x == s || !x[1] || (size_t)(x - s) >= sizeof buf) return -1;
    for (k = 0; s[k]; k++)
        if (s + k != x && !(s[k] >= '0' && s[k] <= '9')) return -1;
    memcpy(buf, s, (size_t)(x - s));
    buf[x - s] = 0;
    if (parse_int(buf, 0, LONG_MAX, w) != 0 || parse_int(x + 1, 0, LONG_MAX, h) != 0) return -2;
    if (*w < 1 || *h < 1 || *w > MAX_DIM || *h > MAX_DIM) return -2;
    return 0;
}

typedef struct {
    const char *in, *out, *device;
    long width, height; /* --size, 0 if not given */
    double scale;       /* --scale, 0 if not given */
    clrs_mode mode;
    const char *mode_name;
    int antialias, align_corners;
    long repeat;
    int out_format; /* FMT_PNG or FMT_JPEG, from OUT's extension */
    long quality;   /* JPEG quality */
} resize_args;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

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

/* ---- resize ------------------------------------------------------------------------------ */

static int resize(const resize_args *a)
{
    image src, dst;
    clrs_interpolate_params p = CLRS_INTERPOLATE_PARAMS_INIT;
    clrs_context_options o = CLRS_CONTEXT_OPTIONS_INIT;
    clrs_context *ctx = NULL;
    clrs_tensor ti = {0}, to = {0};
    clrs_cache_stats st;
    clrs_status s;
    const clrs_device_info *dev;
    int64_t in_shape[4], out_shape[4];
    float *x = NULL, *y = NULL;
    uint8_t *x8 = NULL, *y8 = NULL;
    int u8;
    double first = 0, best = 0, maxv;
    size_t n_in, n_out = 0, i;
    char err[512];
    long rep;
    int rc = EXIT_FAIL;

    memset(&dst, 0, sizeof dst);
    if (load_image(a->in, &src, err, sizeof err) != 0) {
        fprintf(stderr, PROG ": %s\n", err);
        return EXIT_FAIL;
    }
    if (a->out_format == FMT_JPEG && (src.channels == 2 || src.channels == 4)) {
        /* dropping alpha would show whatever colour hides under transparent pixels */
        fprintf(stderr, PROG ": %s is %s%s; JPEG has no alpha channel: write a .png, or remove the "
                "alpha first\n", a->in, channels_name(src.channels),
                src.expanded ? " (from a PNG palette or tRNS color key)" : "");
        rc = EXIT_USAGE;
        goto out;
    }
    p.mode = a->mode;
    p.antialias = a->antialias || a->mode == CLRS_LANCZOS; /* lanczos exists only antialiased */
    p.align_corners = a->align_corners ? 1 : -1;
    if (a->width) p.size[0] = a->height, p.size[1] = a->width; /* spatial dims are H, W */
    else p.scale_factor[0] = p.scale_factor[1] = a->scale;
    in_shape[0] = 1, in_shape[1] = src.channels, in_shape[2] = src.height, in_shape[3] = src.width;
    if (clrs_interpolate_shape(&p, 4, in_shape, out_shape) != CLRS_OK) {
        fprintf(stderr, PROG ": %s\n", clrs_error_message());
        rc = EXIT_USAGE;
        goto out;
    }
    {
        const long lim = a->out_format == FMT_JPEG ? MAX_JPEG_DIM : MAX_DIM;
        if (out_shape[2] > lim || out_shape[3] > lim) {
            fprintf(stderr, PROG ": output size %lldx%lld is over the %s limit of %ld pixels a side\n",
                    (long long)out_shape[3], (long long)out_shape[2], format_names[a->out_format], lim);
            rc = EXIT_USAGE;
            goto out;
        }
    }
    dst.width = (uint32_t)out_shape[3], dst.height = (uint32_t)out_shape[2];
    /* JPEG holds 8 bits a sample; the float result is rounded straight to 8 bits, not through
     * the input's depth */
    dst.channels = src.channels, dst.depth = a->out_format == FMT_JPEG ? 8 : src.depth;
    n_in = sample_count(src.width, src.height, src.channels);
    n_out = sample_count(dst.width, dst.height, dst.channels);
    /* 8 bits in and out: a uint8 tensor end to end, PyTorch's own uint8 arithmetic (area has
     * none: PyTorch refuses uint8 there); other depths go through float */
    u8 = src.depth == 8 && dst.depth == 8 && a->mode != CLRS_AREA;
    if (!n_out || !(dst.v = malloc(n_out * sizeof *dst.v)) ||
        (u8 ? !(x8 = malloc(n_in)) || !(y8 = malloc(n_out))
            : !(x = malloc(n_in * sizeof *x)) || !(y = malloc(n_out * sizeof *y)))) {
        fprintf(stderr, PROG ": out of memory for a %ux%u image\n", dst.width, dst.height);
        goto out;
    }
    maxv = max_value(src.depth);
    for (i = 0; i < n_in; i++) {
        if (u8) x8[i] = (uint8_t)src.v[i];
        else x[i] = (float)(src.v[i] / maxv);
    }
    maxv = max_value(dst.depth);

    /* N=1, C, H, W over HWC-interleaved memory: channels-last strides */
    ti.dtype = to.dtype = u8 ? CLRS_U8 : CLRS_F32;
    ti.ndim = to.ndim = 4;
    memcpy(ti.shape, in_shape, sizeof in_shape);
    memcpy(to.shape, out_shape, sizeof out_shape);
    ti.strides[0] = (int64_t)src.height * src.width * src.channels, ti.strides[1] = 1;
    ti.strides[2] = (int64_t)src.width * src.channels, ti.strides[3] = src.channels;
    to.strides[0] = (int64_t)dst.height * dst.width * dst.channels, to.strides[1] = 1;
    to.strides[2] = (int64_t)dst.width * dst.channels, to.strides[3] = dst.channels;
    ti.data = u8 ? (void *)x8 : (void *)x, to.data = u8 ? (void *)y8 : (void *)y;

    o.device = a->device; /* NULL: $CLRS_DEVICE, else auto */
    if ((s = clrs_context_create(&ctx, &o)) != CLRS_OK) {
        /* the device was named by the user (--device or $CLRS_DEVICE; auto always finds one):
         * one that is not there or will not open is a bad argument, not a failed resample */
        fprintf(stderr, PROG ": %s\n", clrs_error_message());
        rc = s == CLRS_ERR_MEMORY ? EXIT_FAIL : EXIT_USAGE;
        goto out;
    }
    for (rep = 0; rep < a->repeat; rep++) {
        double t0 = now_ms(), ms;
        s = clrs_interpolate(ctx, &p, &ti, &to);
        ms = now_ms() - t0;
        if (s != CLRS_OK) {
            fprintf(stderr, PROG ": %s\n", clrs_error_message());
            rc = s == CLRS_ERR_ARGUMENT ? EXIT_USAGE : EXIT_FAIL;
            goto out;
        }
        if (rep == 0) first = best = ms;
        else if (ms < best) best = ms;
    }
    for (i = 0; i < n_out && u8; i++) dst.v[i] = y8[i];
    for (i = 0; i < n_out && !u8; i++) {
        double v = y[i] * maxv;
        if (!(v > 0)) v = 0; /* NaN too */
        if (v > maxv) v = maxv;
        dst.v[i] = (uint16_t)(v + 0.5);
    }
    if (save_image(a->out, &dst, a->out_format, (int)a->quality, err, sizeof err) != 0) {
        fprintf(stderr, PROG ": %s\n", err);
        goto out;
    }
    dev = clrs_context_device(ctx);
    clrs_context_cache_stats(ctx, &st);
    if (dev->type == CLRS_DEVICE_HOST) printf("device: host (%s)\n", dev->name);
    else printf("device: [%d:%d] %s (%s, %s)\n", dev->platform_index, dev->device_index, dev->name,
                type_name(dev->type), dev->platform);
    printf("resample: %s%s%s %ux%u -> %ux%u, %s %d-bit%s%s, %s -> %s", a->mode_name,
           a->antialias ? " antialias" : "", a->align_corners ? " align-corners" : "", src.width,
           src.height, dst.width, dst.height, channels_name(src.channels), src.depth,
           src.expanded ? " from " : "", src.expanded ? src.expanded : "", format_names[src.format],
           format_names[a->out_format]);
    if (a->out_format == FMT_JPEG) printf(" (quality %ld)", a->quality);
    printf(", %s", u8 ? "uint8 tensor" : "float tensor");
    printf(": %.3f ms", first);
    if (a->repeat > 1) printf(", best of %ld %.3f ms", a->repeat, best);
    if (dev->type != CLRS_DEVICE_HOST)
        printf(" (programs built %llu, from disk cache %llu%s)", (unsigned long long)st.builds,
               (unsigned long long)st.disk_hits, st.host_fallbacks ? "; ran on the host" : "");
    printf("\n");
    rc = 0;
out:
    clrs_context_destroy(ctx);
    free(x), free(y), free(x8), free(y8), free(src.v), free(dst.v);
    return rc;
}

/* ---- --compare and --fill ---------------------------------------------------------------- */

static int compare(const char *pa, const char *pb, long tolerance)
{
    image a, b;
    char err[512];
    size_t n, i, worst = 0, differ = 0;
    unsigned maxd = 0;
    int rc;
    if (load_image(pa, &a, err, sizeof err) != 0) {
        fprintf(stderr, PROG ": %s\n", err);
        return EXIT_FAIL;
    }
    if (load_image(pb, &b, err, sizeof err) != 0) {
        fprintf(stderr, PROG ": %s\n", err);
        free(a.v);
        return EXIT_FAIL;
    }
    if (a.width != b.width || a.height != b.height || a.channels != b.channels || a.depth != b.depth) {
        printf("%s is %ux%u %s %d-bit, %s is %ux%u %s %d-bit\n", pa, a.width, a.height,
               channels_name(a.channels), a.depth, pb, b.width, b.height, channels_name(b.channels),
               b.depth);
        free(a.v), free(b.v);
        return EXIT_FAIL;
    }
    n = sample_count(a.width, a.height, a.channels);
    for (i = 0; i < n; i++) {
        unsigned d = a.v[i] > b.v[i] ? a.v[i] - b.v[i] : b.v[i] - a.v[i];
        if (d) differ++;
        if (d > maxd) maxd = d, worst = i;
    }
    if (maxd == 0) {
        printf("identical: %ux%u %s %d-bit\n", a.width, a.height, channels_name(a.channels), a.depth);
        rc = 0;
    } else {
        size_t px = worst / (size_t)a.channels;
        printf("max difference %u at x=%zu y=%zu channel %zu (%u vs %u); %zu of %zu samples differ%s\n",
               maxd, px % a.width, px / a.width, worst % (size_t)a.channels, a.v[worst], b.v[worst],
               differ, n, maxd <= (unsigned long)tolerance ? " (within tolerance)" : "");
        rc = maxd <= (unsigned long)tolerance ? 0 : EXIT_FAIL;
    }
    free(a.v), free(b.v);
    return rc;
}

/* The --fill test pattern, one sample. Left half: a diagonal ramp over the full range, phase
 * shifted per channel; right half: hashed noise using every bit of the sample; a 1-pixel
 * frame at full value. Alpha (channels 2 and 4) is a vertical ramp, clear to opaque. */
static unsigned pattern(uint32_t x, uint32_t y, int c, int channels, uint32_t w, uint32_t h, unsigned maxv)
{
    uint32_t k;
    if ((channels == 2 || channels == 4) && c == channels - 1)
        return (unsigned)(((double)y / (h > 1 ? h - 1 : 1)) * maxv + 0.5);
    if (x == 0 || y == 0 || x + 1 == w || y + 1 == h) return maxv;
    if (x < w / 2) {
        double t = ((double)x + y + c * (w / 3.0)) / ((double)w / 2 + h);
        return (unsigned)((t - floor(t)) * maxv + 0.5);
    }
    k = x * 2654435761u ^ (y + 1) * 2246822519u ^ (uint32_t)(c + 1) * 3266489917u;
    k ^= k >> 15, k *= 2246822519u, k ^= k >> 13;
    return k % (maxv + 1);
}

static int fill(char **v)
{
    long w, h, c, depth, value = -1;
    image img;
    char err[512];
    size_t n, i;
    uint32_t x, y;
    int k, rc, fmt;
    if ((rc = out_format("--fill: OUT", v[5], &fmt)) != 0) return rc;
    if (parse_int(v[0], 1, MAX_DIM, &w) != 0 || parse_int(v[1], 1, MAX_DIM, &h) != 0)
        return bad_usage("--fill: W and H must be integers from 1 to 1000000");
    if (parse_int(v[2], 1, 4, &c) != 0)
        return bad_usage("--fill: C must be 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA)");
    if (parse_int(v[3], 1, 16, &depth) != 0 ||
        !(depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16) ||
        (depth < 8 && c != 1))
        return bad_usage("--fill: DEPTH must be 8 or 16, or 1, 2 or 4 for gray (C 1)");
    if (strcmp(v[4], "pattern") != 0 && parse_int(v[4], 0, (long)max_value((int)depth), &value) != 0)
        return bad_usage("--fill: VALUE must be an integer from 0 to 2^DEPTH-1, or \"pattern\"");
    if (fmt == FMT_JPEG && ((c != 1 && c != 3) || depth != 8 || w > MAX_JPEG_DIM || h > MAX_JPEG_DIM))
        return bad_usage("--fill: a JPEG OUT takes C 1 (gray) or 3 (RGB), DEPTH 8, W and H up to 65535");
    memset(&img, 0, sizeof img);
    img.width = (uint32_t)w, img.height = (uint32_t)h, img.channels = (int)c, img.depth = (int)depth;
    n = sample_count(img.width, img.height, img.channels);
    if (!n || !(img.v = malloc(n * sizeof *img.v))) {
        fprintf(stderr, PROG ": --fill: out of memory\n");
        return EXIT_FAIL;
    }
    for (y = 0, i = 0; y < img.height; y++)
        for (x = 0; x < img.width; x++)
            for (k = 0; k < img.channels; k++, i++)
                img.v[i] = (uint16_t)(value >= 0 ? (unsigned)value
                                                 : pattern(x, y, k, img.channels, img.width, img.height,
                                                           max_value(img.depth)));
    rc = save_image(v[5], &img, fmt, DEFAULT_QUALITY, err, sizeof err);
    if (rc != 0) fprintf(stderr, PROG ": %s\n", err);
    free(img.v);
    return rc ? EXIT_FAIL : 0;
}

/* ---- main -------------------------------------------------------------------------------- */

static const struct {
    const char *name;
    clrs_mode mode;
} modes[] = {{"nearest", CLRS_NEAREST}, {"nearest-exact", CLRS_NEAREST_EXACT},
             {"bilinear", CLRS_LINEAR}, {"bicubic", CLRS_CUBIC}, {"area", CLRS_AREA},
             {"lanczos", CLRS_LANCZOS}};

int main(int argc, char **argv)
{
    resize_args a;
    const char *pos[2];
    char msg[400];
    int npos = 0, i, have_size = 0, have_scale = 0, have_quality = 0, only_positional = 0, rc;
    size_t k;

    for (i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        }
    if (argc >= 2 && !strcmp(argv[1], "--compare")) {
        long tol = 0;
        if (argc == 6 && !strcmp(argv[4], "--tolerance")) {
            if (parse_int(argv[5], 0, 65535, &tol) != 0)
                return bad_usage("--tolerance: expected an integer from 0 to 65535");
        } else if (argc != 4) {
            return bad_usage("--compare takes two image files: --compare A B [--tolerance N]");
        }
        return compare(argv[2], argv[3], tol);
    }
    if (argc >= 2 && !strcmp(argv[1], "--fill")) {
        if (argc != 8) return bad_usage("--fill takes six arguments: --fill W H C DEPTH VALUE OUT");
        return fill(argv + 2);
    }

    memset(&a, 0, sizeof a);
    a.mode = CLRS_LINEAR, a.mode_name = "bilinear", a.repeat = 1, a.quality = DEFAULT_QUALITY;
    for (i = 1; i < argc; i++) {
        const char *arg = argv[i], *val = NULL, *eq;
        char name[32];
        int takes;
        if (only_positional || arg[0] != '-' || !arg[1]) {
            if (npos == 2) {
                snprintf(msg, sizeof msg, "unexpected argument '%s'", arg);
                return bad_usage(msg);
            }
            pos[npos++] = arg;
            continue;
        }
        if (!strcmp(arg, "--")) {
            only_positional = 1;
            continue;
        }
        /* --name value or --name=value */
        eq = strchr(arg, '=');
        k = eq ? (size_t)(eq - arg) : strlen(arg);
        if (k >= sizeof name) k = sizeof name - 1;
        memcpy(name, arg, k);
        name[k] = 0;
        takes = !strcmp(name, "--size") || !strcmp(name, "--scale") || !strcmp(name, "--mode") ||
                !strcmp(name, "--device") || !strcmp(name, "--repeat") || !strcmp(name, "--quality");
        if (takes) {
            if (eq) val = eq + 1;
            else if (i + 1 < argc) val = argv[++i];
            else {
                snprintf(msg, sizeof msg, "%s needs a value", name);
                return bad_usage(msg);
            }
        } else if (eq) {
            snprintf(msg, sizeof msg, "%s takes no value", name);
            return bad_usage(msg);
        }
        if (!strcmp(name, "--size")) {
            int r = parse_size(val, &a.width, &a.height);
            if (r == -1) snprintf(msg, sizeof msg, "--size %s: expected WxH, e.g. 640x480", val);
            else if (r != 0)
                snprintf(msg, sizeof msg, "--size %s: width and height must be from 1 to %d", val, MAX_DIM);
            if (r != 0) return bad_usage(msg);
            if (have_size++) return bad_usage("--size is given twice");
        } else if (!strcmp(name, "--scale")) {
            char *end;
            errno = 0;
            a.scale = strtod(val, &end);
            if (!*val || *end || errno || !isfinite(a.scale) || !(a.scale > 0)) {
                snprintf(msg, sizeof msg, "--scale %s: expected a positive number, e.g. 0.5", val);
                return bad_usage(msg);
            }
            if (have_scale++) return bad_usage("--scale is given twice");
        } else if (!strcmp(name, "--mode")) {
            for (k = 0; k < sizeof modes / sizeof modes[0]; k++)
                if (!strcmp(val, modes[k].name)) break;
            if (k == sizeof modes / sizeof modes[0]) {
                snprintf(msg, sizeof msg,
                         "--mode %s: unknown mode; use nearest, nearest-exact, bilinear, bicubic or area", val);
                return bad_usage(msg);
            }
            a.mode = modes[k].mode, a.mode_name = modes[k].name;
        } else if (!strcmp(name, "--device")) {
            if (!*val) return bad_usage("--device: empty; use auto, gpu, cpu, host, P:D or part of a name");
            a.device = val;
        } else if (!strcmp(name, "--quality")) {
            if (parse_int(val, 1, 100, &a.quality) != 0) {
                snprintf(msg, sizeof msg, "--quality %s: expected an integer from 1 to 100", val);
                return bad_usage(msg);
            }
            have_quality = 1;
        } else if (!strcmp(name, "--repeat")) {
            if (parse_int(val, 1, 100000, &a.repeat) != 0)
                return bad_usage("--repeat: expected an integer from 1 to 100000");
        } else if (!strcmp(name, "--antialias")) {
            a.antialias = 1;
        } else if (!strcmp(name, "--align-corners")) {
            a.align_corners = 1;
        } else if (!strcmp(name, "--compare") || !strcmp(name, "--fill")) {
            snprintf(msg, sizeof msg, "%s must be the first argument", name);
            return bad_usage(msg);
        } else {
            snprintf(msg, sizeof msg, "unknown option '%s'", arg);
            return bad_usage(msg);
        }
    }
    if (npos < 2) return bad_usage(npos ? "missing OUT" : "missing IN and OUT");
    if (have_size && have_scale) return bad_usage("give --size or --scale, not both");
    if (!have_size && !have_scale) return bad_usage("give --size WxH or --scale F");
    a.in = pos[0], a.out = pos[1];
    if ((rc = out_format("OUT", a.out, &a.out_format)) != 0) return rc;
    if (have_quality && a.out_format != FMT_JPEG)
        return bad_usage("--quality applies to JPEG output only (OUT ends in .png)");
    return resize(&a);
}
