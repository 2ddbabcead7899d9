/* output.c — everything a command prints: text, errors, and --json records.
 *
 * Offers out_printf/out_vprintf, cmd_error and the json_* builders of
 * session.h, and the bracketing (out_begin_command/out_end_command) that
 * cmd_execute puts around each top-level command.
 *
 * Text mode: out_* writes straight to stdout, cmd_error writes one line to
 * stderr.  --json mode: see Note [One JSON record per command].
 *
 * Depends on: session.h, session_state.h, libc.  Knows nothing of targets.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session_state.h"

/* Note [One JSON record per command]
 * ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * In --json mode each top-level command produces exactly one line on stdout:
 *   {"command":"p x","ok":true,"output":"$1 = 3\n","data":{...}}
 * plus "error":"..." when it failed.  The text a command prints is captured
 * (not printed) so a script gets it once, inside "output"; json_* calls
 * build "data".  Commands nested inside a top-level one (a user-defined
 * command's body, a sourced file typed as a command) add to the enclosing
 * record, so the one-record-per-line rule holds for whatever the user typed.
 * Output produced outside any command (messages from main at start-up) is
 * wrapped the same way by main through out_begin_command/out_end_command.
 */

/* ---- growable strings ---- */

void sb_append(struct strbuf *sb, const char *data, size_t n)
{
    if (sb->len + n + 1 > sb->cap) {
        size_t cap = sb->cap ? sb->cap : 256;
        while (cap < sb->len + n + 1)
            cap *= 2;
        char *p = realloc(sb->buf, cap);
        if (!p)
            abort();
        sb->buf = p;
        sb->cap = cap;
    }
    memcpy(sb->buf + sb->len, data, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void sb_vappendf(struct strbuf *sb, const char *fmt, va_list ap)
{
    char small[512];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) {
        va_end(ap2);
        return;
    }
    if ((size_t)n < sizeof small) {
        sb_append(sb, small, (size_t)n);
    } else {
        char *big = malloc((size_t)n + 1);
        if (!big)
            abort();
        vsnprintf(big, (size_t)n + 1, fmt, ap2);
        sb_append(sb, big, (size_t)n);
        free(big);
    }
    va_end(ap2);
}

void sb_appendf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vappendf(sb, fmt, ap);
    va_end(ap);
}

void sb_reset(struct strbuf *sb)
{
    sb->len = 0;
    if (sb->buf)
        sb->buf[0] = '\0';
}

void sb_free(struct strbuf *sb)
{
    free(sb->buf);
    sb->buf = NULL;
    sb->len = sb->cap = 0;
}

/* JSON string escaping (RFC 8259): quotes, backslash and every control
 * character escaped; bytes >= 0x80 are passed through when they form valid
 * UTF-8 and written as \u00XX (Latin-1 reading) otherwise, so the output is
 * always valid UTF-8 JSON whatever the target's memory held. */
void sb_append_json_string(struct strbuf *sb, const char *val)
{
    const unsigned char *p = (const unsigned char *)(val ? val : "");
    sb_append(sb, "\"", 1);
    while (*p) {
        unsigned char c = *p;
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            sb_append(sb, esc, 2);
            p++;
        } else if (c == '\n') {
            sb_append(sb, "\\n", 2);
            p++;
        } else if (c == '\t') {
            sb_append(sb, "\\t", 2);
            p++;
        } else if (c == '\r') {
            sb_append(sb, "\\r", 2);
            p++;
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            sb_append(sb, esc, 6);
            p++;
        } else if (c < 0x80) {
            sb_append(sb, (const char *)p, 1);
            p++;
        } else {
            /* Length of a valid UTF-8 sequence starting here, or 0. */
            size_t n = 0;
            if (c >= 0xc2 && c <= 0xdf) n = 2;
            else if (c >= 0xe0 && c <= 0xef) n = 3;
            else if (c >= 0xf0 && c <= 0xf4) n = 4;
            for (size_t i = 1; i < n; i++)
                if ((p[i] & 0xc0) != 0x80)
                    n = 0;
            if (n) {
                sb_append(sb, (const char *)p, n);
                p += n;
            } else {
                snprintf(esc, sizeof esc, "\\u%04x", c);
                sb_append(sb, esc, 6);
                p++;
            }
        }
    }
    sb_append(sb, "\"", 1);
}

/* ---- text ---- */

void out_vprintf(struct session *s, const char *fmt, va_list ap)
{
    struct session_state *st = session_state(s);
    if (s->json && st->depth > 0) {
        sb_vappendf(&st->out, fmt, ap);
        return;
    }
    vfprintf(stdout, fmt, ap);
}

void out_printf(struct session *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    out_vprintf(s, fmt, ap);
    va_end(ap);
}

/* Record the current command's error.  The first error of a command is the
 * one reported (a nested command failing makes its caller fail with it). */
void cmd_error(struct session *s, const char *fmt, ...)
{
    struct session_state *st = session_state(s);
    struct strbuf msg = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vappendf(&msg, fmt, ap);
    va_end(ap);
    /* One line, always. */
    for (size_t i = 0; i < msg.len; i++)
        if (msg.buf[i] == '\n')
            msg.buf[i] = ' ';
    while (msg.len && msg.buf[msg.len - 1] == ' ')
        msg.buf[--msg.len] = '\0';
    if (s->json && st->depth > 0) {
        if (!st->error)
            st->error = strdup(msg.buf ? msg.buf : "error");
    } else {
        fflush(stdout);
        fprintf(stderr, "%s\n", msg.buf ? msg.buf : "error");
        fflush(stderr);
        if (!st->error)
            st->error = strdup(msg.buf ? msg.buf : "error");
    }
    sb_free(&msg);
}

/* ---- structured data ---- */

/* Start a member: comma if needed, then "key": when in an object. */
static bool json_member(struct session *s, const char *key)
{
    struct session_state *st = session_state(s);
    if (!s->json || st->depth == 0)
        return false;
    int l = st->json_level;
    if (!st->json_first[l])
        sb_append(&st->data, ",", 1);
    st->json_first[l] = false;
    if (!st->json_is_array[l]) {
        sb_append_json_string(&st->data, key ? key : "");
        sb_append(&st->data, ":", 1);
    }
    return true;
}

void json_str(struct session *s, const char *key, const char *val)
{
    if (json_member(s, key)) {
        if (val)
            sb_append_json_string(&session_state(s)->data, val);
        else
            sb_append(&session_state(s)->data, "null", 4);
    }
}

void json_int(struct session *s, const char *key, long long val)
{
    if (json_member(s, key))
        sb_appendf(&session_state(s)->data, "%lld", val);
}

void json_uint(struct session *s, const char *key, unsigned long long val)
{
    if (json_member(s, key))
        sb_appendf(&session_state(s)->data, "%llu", val);
}

void json_bool(struct session *s, const char *key, bool val)
{
    if (json_member(s, key))
        sb_append(&session_state(s)->data, val ? "true" : "false", val ? 4 : 5);
}

static void json_open(struct session *s, const char *key, bool array)
{
    struct session_state *st = session_state(s);
    if (!json_member(s, key))
        return;
    sb_append(&st->data, array ? "[" : "{", 1);
    if (st->json_level + 1 >= JSON_MAX_DEPTH) {
        /* Too deep to track: keep the text balanced, drop the nesting. */
        sb_append(&st->data, array ? "]" : "}", 1);
        return;
    }
    st->json_level++;
    st->json_first[st->json_level] = true;
    st->json_is_array[st->json_level] = array;
}

static void json_close(struct session *s, bool array)
{
    struct session_state *st = session_state(s);
    if (!s->json || st->depth == 0 || st->json_level == 0)
        return;
    if (st->json_is_array[st->json_level] != array)
        return;     /* mismatched end: ignore rather than corrupt the record */
    sb_append(&st->data, array ? "]" : "}", 1);
    st->json_level--;
}

void json_begin_object(struct session *s, const char *key) { json_open(s, key, false); }
void json_end_object(struct session *s) { json_close(s, false); }
void json_begin_array(struct session *s, const char *key) { json_open(s, key, true); }
void json_end_array(struct session *s) { json_close(s, true); }

/* ---- command bracketing ---- */

void out_begin_command(struct session *s, const char *line)
{
    struct session_state *st = session_state(s);
    (void)line;
    if (st->depth++ > 0)
        return;
    sb_reset(&st->out);
    sb_reset(&st->data);
    st->json_level = 0;
    st->json_first[0] = true;
    st->json_is_array[0] = false;
    free(st->error);
    st->error = NULL;
}

/* Close a command: in --json mode write its record (Note [One JSON record
 * per command]).  rc is the command's result. */
void out_end_command(struct session *s, const char *line, int rc)
{
    struct session_state *st = session_state(s);
    if (st->depth == 0 || --st->depth > 0)
        return;
    if (s->json) {
        struct strbuf rec = {0};
        while (st->json_level > 0) {          /* close what the command left open */
            sb_append(&st->data, st->json_is_array[st->json_level] ? "]" : "}", 1);
            st->json_level--;
        }
        sb_append(&rec, "{\"command\":", 11);
        sb_append_json_string(&rec, line);
        sb_appendf(&rec, ",\"ok\":%s,\"output\":", rc == 0 ? "true" : "false");
        sb_append_json_string(&rec, st->out.buf ? st->out.buf : "");
        sb_append(&rec, ",\"data\":{", 9);
        if (st->data.len)
            sb_append(&rec, st->data.buf, st->data.len);
        sb_append(&rec, "}", 1);
        if (rc != 0) {
            sb_append(&rec, ",\"error\":", 9);
            sb_append_json_string(&rec, st->error ? st->error : "command failed");
        }
        sb_append(&rec, "}\n", 2);
        fwrite(rec.buf, 1, rec.len, stdout);
        sb_free(&rec);
    } else if (rc != 0 && !st->error) {
        /* A command failed without saying why: still one line on stderr. */
        fflush(stdout);
        fprintf(stderr, "Command failed: %s\n", line);
    }
    fflush(stdout);
    free(st->error);
    st->error = NULL;
}

void output_free(struct session *s)
{
    struct session_state *st = session_state(s);
    sb_free(&st->out);
    sb_free(&st->data);
    free(st->error);
    st->error = NULL;
}

void out_warning(struct session *s, const char *fmt, ...)
{
    struct session_state *st = session_state(s);
    va_list ap;
    va_start(ap, fmt);
    if (s->json && st->depth > 0) {
        sb_append(&st->out, "warning: ", 9);
        sb_vappendf(&st->out, fmt, ap);
        sb_append(&st->out, "\n", 1);
    } else {
        fflush(stdout);
        fputs("warning: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
    }
    va_end(ap);
}
