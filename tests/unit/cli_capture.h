/* cli_capture.h — capture what a piece of code writes to stdout/stderr.
 *
 * capture_begin() points fd 1 and 2 at temporary files; capture_end()
 * restores them and returns the two texts (malloc'd).  Test-only.
 */
#ifndef CLI_CAPTURE_H
#define CLI_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int cap_saved_out = -1, cap_saved_err = -1;
static FILE *cap_out, *cap_err;

static void capture_begin(void)
{
    fflush(stdout);
    fflush(stderr);
    cap_out = tmpfile();
    cap_err = tmpfile();
    if (!cap_out || !cap_err)
        abort();
    cap_saved_out = dup(1);
    cap_saved_err = dup(2);
    dup2(fileno(cap_out), 1);
    dup2(fileno(cap_err), 2);
}

static char *cap_slurp(FILE *f)
{
    long n = ftell(f);
    char *buf = calloc(1, (size_t)(n > 0 ? n : 0) + 1);
    if (!buf)
        abort();
    rewind(f);
    if (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)
        buf[0] = '\0';
    fclose(f);
    return buf;
}

/* Restore stdout/stderr; *out and *err receive what was written. */
static void capture_end(char **out, char **err)
{
    fflush(stdout);
    fflush(stderr);
    dup2(cap_saved_out, 1);
    dup2(cap_saved_err, 2);
    close(cap_saved_out);
    close(cap_saved_err);
    fseek(cap_out, 0, SEEK_END);
    fseek(cap_err, 0, SEEK_END);
    char *o = cap_slurp(cap_out), *e = cap_slurp(cap_err);
    if (out)
        *out = o;
    else
        free(o);
    if (err)
        *err = e;
    else
        free(e);
}

#endif
