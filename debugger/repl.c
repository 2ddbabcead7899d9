/* repl.c — the interactive loop: readline, history, completion, Ctrl-C.
 *
 * Offers repl_run (prompt "(rtsdb) ", history in ~/.rtsdb_history, an empty
 * line repeats the last command), repl_read_line for multi-line commands,
 * completion (command words level by level, then the command's own
 * completer, else symbol names), and repl_install_sigint: Ctrl-C while the
 * target runs interrupts it through target->ops->interrupt (infrun's wait
 * then reports the stop); at the prompt it abandons the line.
 *
 * When stdin is not a terminal, commands are read line by line without
 * readline and an error does not stop the loop (as gdb).
 *
 * Depends on: session.h, session_state.h, command.c, libreadline.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "session_state.h"

#define PROMPT "(rtsdb) "
#define HISTORY_MAX 1000

/* The one session the signal handler and readline callbacks act on. */
static struct session *repl_session;
static volatile sig_atomic_t at_prompt;
static volatile sig_atomic_t interrupted_at_prompt;

/* ---- Ctrl-C ---- */

/* Async-signal-safe: only the target's interrupt (documented as such in
 * target.h) and flag writes. */
static void sigint_handler(int sig)
{
    struct session *s = repl_session;
    if (s && s->target && s->target->running && s->target->ops->interrupt) {
        s->target->ops->interrupt(s->target);
        return;
    }
    if (at_prompt) {
        interrupted_at_prompt = 1;
        return;
    }
    if (s && !s->interactive) {
        /* Batch or piped input, nothing running: Ctrl-C ends rtsdb. */
        signal(sig, SIG_DFL);
        raise(sig);
    }
}

void repl_install_sigint(struct session *s)
{
    repl_session = s;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = sigint_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
}

/* Readline calls this when a signal arrives while it reads: drop the line. */
static int on_signal_event(void)
{
    if (interrupted_at_prompt) {
        interrupted_at_prompt = 0;
        rl_replace_line("", 0);
        rl_crlf();
        fputs("Quit\n", rl_outstream ? rl_outstream : stdout);
        rl_on_new_line();
        rl_redisplay();
    }
    return 0;
}

/* ---- completion ---- */

struct candidates {
    char **v;
    size_t n, cap;
    const char *prefix;
    size_t prefix_len;
};

static void add_candidate(const char *cand, void *arg)
{
    struct candidates *c = arg;
    if (strncmp(cand, c->prefix, c->prefix_len) != 0)
        return;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->v[i], cand) == 0)
            return;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 32;
        char **v = realloc(c->v, c->cap * sizeof *v);
        if (!v)
            return;
        c->v = v;
    }
    c->v[c->n++] = strdup(cand);
}

/* Command words that may follow `path` (words typed so far, resolved). */
static void complete_command_words(const char *path, struct candidates *c)
{
    size_t pl = strlen(path);
    for (size_t i = 0; i < cmd_count(); i++) {
        const char *name = cmd_at(i)->name;
        const char *rest;
        if (pl == 0)
            rest = name;
        else if (strncmp(name, path, pl) == 0 && name[pl] == ' ')
            rest = name + pl + 1;
        else
            continue;
        char word[128];
        snprintf(word, sizeof word, "%.*s", (int)strcspn(rest, " "), rest);
        add_candidate(word, c);
    }
}

static void complete_symbol(const char *name, void *arg) { add_candidate(name, arg); }

/* All completions of `text`, the word under the cursor, in the context of
 * what precedes it on the line. */
static char **completions(const char *text, int start)
{
    struct session *s = repl_session;
    struct candidates c = {.prefix = text, .prefix_len = strlen(text)};
    char *before = strndup(rl_line_buffer, (size_t)start);
    const char *args = NULL;
    const struct command *cmd = NULL;
    char *trimmed = before;
    while (*trimmed == ' ')
        trimmed++;
    if (*trimmed == '\0') {
        complete_command_words("", &c);
    } else {
        cmd = cmd_lookup(trimmed, &args);
        /* Words typed so far that form a prefix ("info ") complete the next word. */
        char path[256];
        snprintf(path, sizeof path, "%s", trimmed);
        size_t pl = strlen(path);
        while (pl && path[pl - 1] == ' ')
            path[--pl] = '\0';
        struct candidates sub = {.prefix = text, .prefix_len = strlen(text)};
        if (!cmd || (args && *args == '\0'))
            complete_command_words(cmd ? cmd->name : path, &sub);
        if (sub.n) {
            c = sub;
        } else {
            free(sub.v);
            if (cmd && cmd->complete && s) {
                struct session_state *st = session_state(s);
                const struct command *saved = st->current;
                st->current = cmd;
                cmd->complete(s, text, add_candidate, &c);
                st->current = saved;
            } else if (s && session_symtab(s)) {
                symtab_complete(session_symtab(s), text, complete_symbol, &c);
            }
        }
    }
    free(before);
    if (c.n == 0) {
        free(c.v);
        return NULL;
    }
    /* readline wants [common prefix, candidates..., NULL]. */
    char **out = malloc((c.n + 2) * sizeof *out);
    if (!out)
        return NULL;
    size_t common = strlen(c.v[0]);
    for (size_t i = 1; i < c.n; i++) {
        size_t k = 0;
        while (k < common && c.v[i][k] == c.v[0][k])
            k++;
        common = k;
    }
    out[0] = strndup(c.v[0], common);
    for (size_t i = 0; i < c.n; i++)
        out[i + 1] = c.v[i];
    out[c.n + 1] = NULL;
    free(c.v);
    return out;
}

static char **attempted_completion(const char *text, int start, int end)
{
    (void)end;
    rl_attempted_completion_over = 1;   /* never fall back to file names */
    return completions(text, start);
}

/* ---- the loop ---- */

static char *history_path(void)
{
    const char *home = getenv("HOME");
    if (!home || !*home)
        return NULL;
    size_t n = strlen(home) + 32;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/.rtsdb_history", home);
    return p;
}

char *repl_read_line(struct session *s, const char *prompt)
{
    (void)s;
    at_prompt = 1;
    char *line = readline(prompt);
    at_prompt = 0;
    return line;
}

/* Read commands from a non-terminal stdin: every line runs, errors included. */
static int read_stdin_lines(struct session *s)
{
    struct session_state *st = session_state(s);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while (!st->quit_requested && (n = getline(&line, &cap, stdin)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        cmd_execute(s, line);
    }
    free(line);
    return 0;
}

int repl_run(struct session *s)
{
    struct session_state *st = session_state(s);
    repl_install_sigint(s);
    if (!s->interactive)
        return read_stdin_lines(s);

    rl_readline_name = "rtsdb";
    rl_attempted_completion_function = attempted_completion;
    rl_signal_event_hook = on_signal_event;
    rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{(*[";
    char *hist = history_path();
    using_history();
    stifle_history(HISTORY_MAX);
    if (hist)
        read_history(hist);

    while (!st->quit_requested) {
        char *line = repl_read_line(s, PROMPT);
        if (!line) {                    /* EOF (Ctrl-D) */
            fputs("quit\n", stdout);
            break;
        }
        const char *t = line;
        while (*t == ' ' || *t == '\t')
            t++;
        if (*t) {
            HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
            if (!last || strcmp(last->line, line) != 0)
                add_history(line);
        }
        cmd_execute(s, line);
        free(line);
    }
    if (hist) {
        if (write_history(hist) != 0 && errno != 0)
            out_warning(s, "could not save history to %s: %s", hist, strerror(errno));
        free(hist);
    }
    return 0;
}
