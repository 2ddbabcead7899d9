/* filter.c — parse and filter one chunk of FDNS-like JSON lines (jansson). */
#include "filter.h"

#include <string.h>
#include <jansson.h>

static int ends_with(const char *s, size_t slen, const char *suffix)
{
    size_t n = strlen(suffix);
    return slen >= n && memcmp(s + slen - n, suffix, n) == 0;
}

size_t filter_chunk(const char *lines, size_t len, const char *suffix,
                    char *out, size_t outcap, size_t *bad)
{
    size_t used = 0;
    const char *p = lines, *end = lines + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t linelen = nl ? (size_t)(nl - p) : (size_t)(end - p);
        json_error_t err;
        json_t *rec = json_loadb(p, linelen, 0, &err);
        const char *name;
        size_t namelen;
        if (rec && json_unpack(rec, "{s:s%}", "name", &name, &namelen) == 0) {
            if (ends_with(name, namelen, suffix) && used + namelen + 1 <= outcap) {
                memcpy(out + used, name, namelen);
                used += namelen;
                out[used++] = '\n';
            }
        } else {
            (*bad)++;
        }
        json_decref(rec);
        p += linelen + 1;
    }
    return used;
}
