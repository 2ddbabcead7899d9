/* session.h — the debugger's state and its command machinery.
 *
 * One session: the target, its symtab, the selected thread and frame, value
 * history and convenience variables, breakpoints/watchpoints (infrun.h), the
 * registered commands and the output mode (text or --json).
 *
 * Commands print through out_*(); in --json mode the session wraps each
 * command's result as one JSON object per line:
 *   {"command":"bt","ok":true,"output":"<text printed>","data":{...}}
 * where "data" holds whatever the command added with the json_* calls.
 * Errors: a command calls cmd_error("...") (one line, no trailing newline)
 * and returns -1; batch mode then exits non-zero at the end.
 *
 * Depends on: target.h, symtab.h, types.h.
 */
#ifndef RTSDB_SESSION_H
#define RTSDB_SESSION_H

#include <stdarg.h>
#include <stdio.h>
#include "target.h"
#include "symtab.h"
#include "types.h"

struct session;

typedef int (*cmd_fn)(struct session *s, const char *args);
typedef void (*complete_fn)(struct session *s, const char *text,
                            void (*add)(const char *candidate, void *arg), void *arg);

struct command {
    const char *name;       /* "info breakpoints", "break", "rts mvar": multi-word allowed */
    const char *aliases;    /* space-separated: "b br" ; may be NULL.  Each
                               alias replaces the name's last word. */
    const char *summary;    /* one line for "help" */
    const char *help;       /* full text for "help CMD" (usage first) */
    cmd_fn fn;
    complete_fn complete;   /* NULL: complete symbols */
    bool needs_target;      /* error "The program is not being run." when no target */
    bool needs_live;        /* error on a core file */
    void *data;             /* the registrant's own data (a plugin's state,
                               a user command); read it with cmd_current() */
};

void cmd_register(const struct command *c);     /* c must outlive the session */
const struct command *cmd_lookup(const char *line, const char **args_out);
/* Execute one command line (handles user "define"d commands, empty line
 * repeats the last command in the REPL).  Returns 0 or -1. */
int cmd_execute(struct session *s, const char *line);
int cmd_source_file(struct session *s, const char *path);
void cmd_error(struct session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Read one more line of input for a multi-line command ("define", breakpoint
 * "commands"): from the sourced file, the REPL (with prompt) or stdin.
 * Returns a malloc'd line without its newline, or NULL at end of input. */
char *cmd_read_line(struct session *s, const char *prompt);
/* The body of a multi-line command, up to its "end": the lines of text
 * (an inline body typed as one -ex argument after a newline; its "end" may
 * be left out) or, when text is NULL, lines read with cmd_read_line.
 * Nested blocks (if, while, define, document, commands) count their own
 * "end"; each line is trimmed of blanks.  0 with *lines_out malloc'd (each
 * line too), or -1 at the end of input before "end". */
int cmd_read_body(struct session *s, const char *text, char ***lines_out, size_t *n_out);
/* The command being executed (or completed); NULL outside commands. */
const struct command *cmd_current(struct session *s);

/* ---- output ---- */
void out_printf(struct session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void out_vprintf(struct session *s, const char *fmt, va_list ap);
/* Structured data for --json (ignored in text mode).  Keys at the top of
 * "data" unless inside json_begin_object/array. */
void json_str(struct session *s, const char *key, const char *val);
void json_int(struct session *s, const char *key, long long val);
void json_uint(struct session *s, const char *key, unsigned long long val);
void json_bool(struct session *s, const char *key, bool val);
void json_begin_object(struct session *s, const char *key);   /* key NULL inside arrays */
void json_end_object(struct session *s);
void json_begin_array(struct session *s, const char *key);
void json_end_array(struct session *s);

/* ---- state ---- */
struct infrun;

struct session {
    struct target *target;      /* NULL before run/attach/core */
    struct symtab *symtab;
    char *exe;                  /* PROGRAM from the command line */
    char **prog_args;           /* its arguments (for "run") */
    int cur_thread;             /* gdb thread number of the selected thread */
    int cur_frame;              /* selected frame level */
    struct infrun *infrun;      /* breakpoints, watchpoints, signal handling */
    bool json;                  /* --json */
    bool batch;                 /* --batch */
    bool quiet;                 /* -q */
    bool interactive;           /* stdin is a terminal and not batch */
    int failures;               /* commands that failed (batch exit status) */
    void *priv;                 /* value history, convenience vars, output buffers */
};

struct session *session_new(void);
void session_free(struct session *s);
/* Install a target (launch/attach/core): loads symbols, selects thread 1,
 * and loads plugins that recognise it. */
int session_set_target(struct session *s, struct target *t);
void session_drop_target(struct session *s);
pid_t session_current_tid(struct session *s);
/* The selected frame of the selected thread (registers unwound for levels
 * above 0).  Returns 0, or -1 with a one-line reason in errbuf. */
int session_selected_frame(struct session *s, struct frame *out, char *errbuf, size_t errlen);
/* The symbols to use: the target's, else the program file's (loaded on
 * first use) so "p &main", "info line" and "break LINE" work before
 * "run".  NULL when there is neither. */
struct symtab *session_symtab(struct session *s);
/* Every part's command-registration entry point (main.c calls them all). */
void target_commands_init(void);
void symtab_commands_init(void);
void infrun_commands_init(void);
void cli_commands_init(void);

/* ---- expressions (expr.c) ---- */
/* Evaluate a C-like expression in the selected frame. */
int expr_eval(struct session *s, const char *text, struct rd_value *out, char *errbuf, size_t errlen);
/* Read a value's bytes (fetching from memory if needed). */
int value_fetch(struct session *s, struct rd_value *v, char *errbuf, size_t errlen);
int64_t value_as_int(const struct rd_value *v);
/* Format a value as print does: fmt is 0 (natural), 'x', 'd', 'c', 's', 'a'. */
int value_format(struct session *s, struct rd_value *v, int fmt, char *buf, size_t len);
/* A variable's value as "info args", "info locals" and "bt full" show it:
 * as value_format, but a pointer without print's "(type *)" prefix. */
int value_format_variable(struct session *s, struct rd_value *v, char *buf, size_t len);
/* "0x4018a0 <stg_TSO_info>" style symbolisation used by x/a and print. */
void format_address(struct session *s, addr_t a, char *buf, size_t len);

#endif
