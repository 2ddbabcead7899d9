/* session_state.h — the cli part's private session state (s->priv).
 *
 * Offers: the one struct that holds everything the command layer keeps
 * between commands (output capture for --json, value history, convenience
 * variables, the repeat line, user-defined commands, x's defaults, plugins),
 * and the internal entry points the cli files share.
 *
 * Only the cli part's files (session.c, command.c, output.c, expr.c, value.c,
 * data_commands.c, repl.c, plugin.c, main.c) include this.  Other parts use
 * session.h.
 */
#ifndef RTSDB_SESSION_STATE_H
#define RTSDB_SESSION_STATE_H

#include "session.h"

/* A growable string. */
struct strbuf {
    char *buf;
    size_t len, cap;
};
void sb_append(struct strbuf *sb, const char *data, size_t n);
void sb_appendf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vappendf(struct strbuf *sb, const char *fmt, va_list ap);
void sb_reset(struct strbuf *sb);
void sb_free(struct strbuf *sb);
/* Append val as a JSON string literal (with quotes and escapes). */
void sb_append_json_string(struct strbuf *sb, const char *val);

#define JSON_MAX_DEPTH 32

/* A named value: a convenience variable ($foo) or a history entry ($3). */
struct saved_value {
    char *name;                 /* NULL for history entries */
    struct rd_value val;
};

/* A "define"d command: its body lines, run with $arg0.. substituted. */
struct user_command {
    struct command cmd;         /* registered in the command table */
    char *name;
    char *doc;                  /* from "document", or NULL */
    char **lines;
    size_t nlines;
};

struct loaded_plugin;

struct session_state {
    /* ---- output (output.c) ---- */
    int depth;                  /* nesting of cmd_execute; 1 = top level command */
    struct strbuf out;          /* --json: text printed by the current command */
    struct strbuf data;         /* --json: the "data" object being built */
    bool json_first[JSON_MAX_DEPTH];   /* no member written yet at this level */
    bool json_is_array[JSON_MAX_DEPTH];
    int json_level;             /* 0 = top of "data" */
    char *error;                /* cmd_error() message of the current command */

    /* ---- commands (command.c) ---- */
    char *last_line;            /* REPL: the line an empty line repeats */
    const struct command *current;  /* command being executed (for cmd_current) */
    struct user_command **user_cmds;
    size_t nuser_cmds;
    bool confirm;               /* "set confirm" */
    int user_call_depth;        /* guard against runaway recursive defines */
    FILE *line_source;          /* where cmd_read_line reads (NULL: REPL or stdin) */
    bool quit_requested;        /* "quit" ran: the caller stops reading commands */
    int quit_status;

    /* ---- values (expr.c) ---- */
    struct saved_value *history;
    size_t nhistory;
    struct saved_value *conv;
    size_t nconv;

    /* ---- data commands (data_commands.c) ---- */
    char x_fmt;                 /* last x format letter */
    char x_size;                /* last x unit letter */
    addr_t x_next;              /* where a bare "x" continues */
    bool x_next_valid;

    /* ---- symbols before "run" (session.c) ---- */
    struct symtab *file_symtab; /* the program file's, while there is no target */
    char *file_symtab_path;

    /* ---- plugins (plugin.c) ---- */
    struct loaded_plugin *plugins;
    bool plugins_autoloaded;
};

static inline struct session_state *session_state(struct session *s)
{
    return (struct session_state *)s->priv;
}


/* output.c: bracket one top-level command's output (--json wrapping). */
void out_begin_command(struct session *s, const char *line);
void out_end_command(struct session *s, const char *line, int rc);
void output_free(struct session *s);
/* A warning: one line on stderr (text), or part of the command's "output". */
void out_warning(struct session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* command.c */
void command_free_all(struct session *s);
/* Register the commands command.c itself implements (help, define, ...). */
void command_builtins_init(void);
/* Remove c from the registry (a plugin that declined, a redefined command). */
void cmd_unregister(const struct command *c);
/* Iterate registered commands in name order. */
size_t cmd_count(void);
const struct command *cmd_at(size_t i);

/* expr.c */
void expr_free_state(struct session *s);
/* Add v to the value history; returns its number ($N). */
int value_history_add(struct session *s, const struct rd_value *v);
/* Parse a type name ("struct foo *", "unsigned long"); NULL if not a type. */
struct rd_type *expr_parse_type(struct session *s, const char *text);
/* expr_eval with `noside`: no assignment, unreadable memory reads as zero
 * (for ptype/whatis/sizeof, which need only the type). */
int expr_eval_noside(struct session *s, const char *text, struct rd_value *out,
                     char *errbuf, size_t errlen);
/* A constant value of integer type t. */
void value_from_int(struct rd_value *v, struct rd_type *t, int64_t x);
/* The address an expression designates for x/watch: a pointer's value, an
 * integer, or the address of an array/function/struct lvalue. */
int value_as_address(struct session *s, struct rd_value *v, addr_t *out, char *errbuf, size_t errlen);
/* Types of no-debug-info symbols, as gdb names them. */
extern struct rd_type type_nodebug_text, type_nodebug_data;

/* value.c */
/* value_format into a growable buffer; top_level decides the "(type *)"
 * prefix of pointers as gdb does.  Returns 0, or -1 with errbuf set. */
int value_format_sb(struct session *s, struct rd_value *v, int fmt, bool top_level,
                    struct strbuf *sb, char *errbuf, size_t errlen);
/* Read a value's bytes wherever it lives (len <= its size). */
/* Some (not all) of v's bytes are optimized out: a struct in pieces. */
bool value_partly_optimized_out(const struct rd_value *v);
int value_read_bytes(struct session *s, const struct rd_value *v, void *buf, size_t len,
                     char *errbuf, size_t errlen);
/* gdb's character literal for c: "'a'", "'\n'", "'\310'". */
void format_char_literal(int c, struct strbuf *sb);
/* Write a C declaration of `name` with type t ("int (*fp)(int)"). */
void type_declaration(const struct rd_type *t, const char *name, char *buf, size_t len);
/* "ptype": the full definition of a struct/union/enum with its members. */
void type_print_full(struct session *s, const struct rd_type *t, struct strbuf *sb);

/* plugin.c */
void plugin_autoload(struct session *s);
void plugin_unload_all(struct session *s);
/* Register "plugin load" and "info plugins". */
void plugin_commands_init(void);

/* repl.c */
int repl_run(struct session *s);
/* Ctrl-C: interrupt the running target, or abandon the line at the prompt. */
void repl_install_sigint(struct session *s);
/* One line from readline with prompt (for multi-line commands). */
char *repl_read_line(struct session *s, const char *prompt);
/* Read commands from a stream without readline (non-tty stdin, source). */
int cmd_source_stream(struct session *s, FILE *f, const char *name);

#endif
