/* gen-fdns.c — deterministic generator of FDNS-like JSON lines, gzip-compressed.
 *
 *   gen-fdns LINES [SEED] > input.json.gz
 *
 * Each line looks like a record of an internet-wide DNS survey (the seed's
 * input):
 *   {"timestamp":"1605139200","name":"host123.example.com","type":"a","value":"1.2.3.4"}
 * The same LINES and SEED always give the same bytes.  Plain C + zlib: this
 * program does not use the runtime.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <zlib.h>

/* splitmix64: small, deterministic, good enough for synthetic data. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static const char *const domains[] = {
    "example.com", "example.org", "example.net", "test.io", "corp.example.com",
    "cdn.example.net", "mail.example.org", "shop.test.io",
};
static const char *const prefixes[] = { "host", "www", "mail", "api", "node", "edge" };
static const char *const types[] = { "a", "aaaa", "cname", "mx" };

static unsigned long parse_count(const char *s, const char *what)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *s == '\0' || *end != '\0') {
        fprintf(stderr, "gen-fdns: bad %s '%s' (expected a non-negative integer)\n", what, s);
        exit(1);
    }
    return v;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: gen-fdns LINES [SEED] > file.json.gz\n");
        return 1;
    }
    unsigned long lines = parse_count(argv[1], "LINES");
    uint64_t state = argc == 3 ? parse_count(argv[2], "SEED") : 18919;
    gzFile out = gzdopen(dup(STDOUT_FILENO), "wb6");
    if (!out) {
        fprintf(stderr, "gen-fdns: cannot open stdout for gzip output\n");
        return 1;
    }
    char line[256];
    for (unsigned long i = 0; i < lines; i++) {
        uint64_t r = next_random(&state);
        const char *type = types[r % 4];
        int n;
        if (strcmp(type, "a") == 0 || strcmp(type, "mx") == 0) {
            n = snprintf(line, sizeof line,
                "{\"timestamp\":\"%lu\",\"name\":\"%s%lu.%s\",\"type\":\"%s\",\"value\":\"%u.%u.%u.%u\"}\n",
                1605139200UL + i / 16, prefixes[(r >> 8) % 6], (unsigned long)((r >> 16) % 100000),
                domains[(r >> 40) % 8], type, (unsigned)(r >> 48) & 255, (unsigned)(r >> 56),
                (unsigned)(r >> 24) & 255, (unsigned)(r >> 32) & 255);
        } else {
            n = snprintf(line, sizeof line,
                "{\"timestamp\":\"%lu\",\"name\":\"%s%lu.%s\",\"type\":\"%s\",\"value\":\"%s%lu.%s\"}\n",
                1605139200UL + i / 16, prefixes[(r >> 8) % 6], (unsigned long)((r >> 16) % 100000),
                domains[(r >> 40) % 8], type, prefixes[(r >> 4) % 6],
                (unsigned long)((r >> 28) % 1000), domains[(r >> 52) % 8]);
        }
        if (gzwrite(out, line, (unsigned)n) != n) {
            fprintf(stderr, "gen-fdns: write failed\n");
            return 1;
        }
    }
    if (gzclose(out) != Z_OK) {
        fprintf(stderr, "gen-fdns: write failed\n");
        return 1;
    }
    return 0;
}
