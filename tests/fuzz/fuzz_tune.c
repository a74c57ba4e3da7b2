/* fuzz_tune.c — the tuning file's parser (lib/tune.c, clrs__tune_parse) on arbitrary bytes:
 * it must never read past the text, and every entry it accepts must have names of the
 * allowed characters and parameters in their ranges (or -1: not given). The first input byte
 * picks whether the text is used as is or after a valid header line. */
#include "fuzz_common.h"

#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what)
{
    fprintf(stderr, "\nFUZZ CONTRACT VIOLATION: %s\n", what);
    abort();
}

static int name_ok(const char *s)
{
    size_t n = strlen(s), i;
    if (n == 0 || n > 31) return 0;
    for (i = 0; i < n; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.", s[i])) return 0;
    return 1;
}

static int count;

static void add(void *arg, const char *kernel, const char *shape_class, const clrs_tune_params *p)
{
    (void)arg;
    if (!name_ok(kernel) || !name_ok(shape_class)) die("an accepted entry has a bad name");
    if (p->wg < -1 || p->wg > 4096) die("an accepted entry has wg out of range");
    if (p->vec != -1 && p->vec != 1 && p->vec != 2 && p->vec != 4 && p->vec != 8 && p->vec != 16)
        die("an accepted entry has a bad vec");
    if (p->passes < -1 || p->passes > 3) die("an accepted entry has passes out of range");
    count++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char header[] = "clresample-tuning 1\n";
    char *text;
    size_t n;
    int r;
    if (size == 0) return 0;
    /* exactly the bytes given (malloc'd to size: ASan sees any read past them) */
    n = (data[0] & 1) ? size - 1 + sizeof header - 1 : size - 1;
    if (!(text = malloc(n ? n : 1))) return 0;
    if (data[0] & 1) {
        memcpy(text, header, sizeof header - 1);
        memcpy(text + sizeof header - 1, data + 1, size - 1);
    } else {
        memcpy(text, data + 1, size - 1);
    }
    count = 0;
    r = clrs__tune_parse(text, n, "dev", "drv", add, NULL);
    if (r != -1 && r != count) die("the returned count is not the entries accepted");
    if (r > 256) die("more than 256 entries accepted");
    free(text);
    return 0;
}
