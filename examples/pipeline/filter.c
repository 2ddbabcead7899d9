/* filter.c — parse one FDNS-like JSON line and find its "name" (jansson). */
#include "filter.h"

#include <string.h>
#include <jansson.h>

bool ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

bool record_parse(const char *line, size_t len, Record *r)
{
    json_error_t err;
    json_t *rec = json_loadb(line, len, 0, &err);
    if (rec && json_unpack(rec, "{s:s%}", "name", &r->name, &r->name_len) == 0) {
        r->rec = rec;
        return true;
    }
    json_decref(rec);
    return false;
}

void record_done(Record *r)
{
    json_decref(r->rec);
    r->rec = NULL;
}
