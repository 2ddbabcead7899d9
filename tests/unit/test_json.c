/* test_json.c — --json records: one valid JSON object per command.
 *
 * Runs commands in --json mode with stdout captured, parses every line with
 * jansson and checks "command", "ok", "output", "data" and "error", nested
 * data, and string escaping of quotes, control characters and bytes that
 * are not UTF-8 (which must still give valid JSON).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_capture.h"
#include "session_state.h"
#include "check.h"


static int cmd_emit(struct session *s, const char *args)
{
    out_printf(s, "quote\" backslash\\ tab\t nl\n ctl\x01 bad\xff utf8 \xc3\xa9\n");
    json_str(s, "arg", args);
    json_int(s, "neg", -5);
    json_uint(s, "big", 18446744073709551615ULL);
    json_bool(s, "yes", true);
    json_begin_array(s, "list");
    for (int i = 0; i < 3; i++) {
        json_begin_object(s, NULL);
        json_int(s, "i", i);
        json_end_object(s);
    }
    json_str(s, NULL, "plain");
    json_end_array(s);
    json_begin_object(s, "unclosed");   /* left open: the record must still be valid */
    json_str(s, "k", "v");
    return 0;
}

static int cmd_fail(struct session *s, const char *args)
{
    out_printf(s, "partial\n");
    cmd_error(s, "Cannot access memory at address 0x%x", 0x10);
    return -1;
}

static const struct command test_cmds[] = {
    {.name = "emit", .summary = "test", .help = "test", .fn = cmd_emit},
    {.name = "fail", .summary = "test", .help = "test", .fn = cmd_fail},
};

int main(void)
{
    cli_commands_init();
    for (size_t i = 0; i < 2; i++)
        cmd_register(&test_cmds[i]);
    struct session *s = session_new();
    s->json = true;

    char *out, *err;
    capture_begin();
    int rc1 = cmd_execute(s, "emit some \"arg\"");
    int rc2 = cmd_execute(s, "fail");
    int rc3 = cmd_execute(s, "nosuchcommand");
    int rc4 = cmd_execute(s, "echo a\\tb\\n");
    capture_end(&out, &err);

    CHECK(rc1 == 0 && rc2 == -1 && rc3 == -1 && rc4 == 0, "return codes %d %d %d %d", rc1, rc2, rc3, rc4);
    CHECK(s->failures == 2, "failures = %d", s->failures);
    CHECK(err[0] == '\0', "stderr not empty in --json mode: %s", err);

    /* One object per line. */
    json_t *rec[4] = {0};
    int nlines = 0;
    char *save = NULL;
    for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        json_error_t je;
        /* Integers as reals: jansson's integers stop at INT64_MAX, JSON's do not. */
        json_t *j = json_loads(line, JSON_DECODE_INT_AS_REAL, &je);
        CHECK(j && json_is_object(j), "line %d is not a JSON object: %s (%s)", nlines + 1, line, je.text);
        if (nlines < 4)
            rec[nlines] = j;
        else
            json_decref(j);
        nlines++;
    }
    CHECK(nlines == 4, "expected 4 records, got %d:\n%s", nlines, out);
    if (nlines == 4 && rec[0] && rec[1] && rec[2] && rec[3]) {
        CHECK(!strcmp(json_string_value(json_object_get(rec[0], "command")), "emit some \"arg\""), "command");
        CHECK(json_is_true(json_object_get(rec[0], "ok")), "ok true");
        const char *o = json_string_value(json_object_get(rec[0], "output"));
        CHECK(o && strstr(o, "quote\" backslash\\ tab\t nl\n ctl\x01 bad") && strstr(o, "utf8 \xc3\xa9"),
              "output text round-trips: %s", o ? o : "(null)");
        json_t *data = json_object_get(rec[0], "data");
        CHECK(!strcmp(json_string_value(json_object_get(data, "arg")), "some \"arg\""), "data.arg");
        CHECK(json_number_value(json_object_get(data, "neg")) == -5, "data.neg");
        CHECK(json_number_value(json_object_get(data, "big")) == 18446744073709551615.0, "data.big");
        CHECK(json_is_true(json_object_get(data, "yes")), "data.yes");
        json_t *list = json_object_get(data, "list");
        CHECK(json_is_array(list) && json_array_size(list) == 4, "data.list has 4 entries");
        CHECK(json_number_value(json_object_get(json_array_get(list, 2), "i")) == 2, "list[2].i");
        CHECK(!strcmp(json_string_value(json_array_get(list, 3)), "plain"), "list[3]");
        CHECK(json_object_get(rec[0], "error") == NULL, "no error on success");

        CHECK(json_is_false(json_object_get(rec[1], "ok")), "fail: ok false");
        CHECK(!strcmp(json_string_value(json_object_get(rec[1], "error")),
                      "Cannot access memory at address 0x10"), "fail: error text");
        CHECK(!strcmp(json_string_value(json_object_get(rec[1], "output")), "partial\n"), "fail: output");

        CHECK(!strcmp(json_string_value(json_object_get(rec[2], "error")),
                      "Undefined command: \"nosuchcommand\".  Try \"help\"."), "undefined: %s",
              json_string_value(json_object_get(rec[2], "error")));
        CHECK(!strcmp(json_string_value(json_object_get(rec[3], "output")), "a\tb\n"), "echo output");
    }
    for (int i = 0; i < 4; i++)
        json_decref(rec[i]);
    free(out);
    free(err);

    /* Text mode: output straight to stdout, the error one line on stderr. */
    s->json = false;
    capture_begin();
    cmd_execute(s, "fail");
    capture_end(&out, &err);
    CHECK(!strcmp(out, "partial\n"), "text stdout: %s", out);
    CHECK(!strcmp(err, "Cannot access memory at address 0x10\n"), "text stderr: %s", err);
    free(out);
    free(err);

    session_free(s);
    if (failures)
        fprintf(stderr, "%d failure(s)\n", failures);
    else
        printf("test_json: all passed\n");
    return failures ? 1 : 0;
}
