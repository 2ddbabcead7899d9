/* command.c — the command registry and the commands about commands.
 *
 * Offers cmd_register/cmd_lookup/cmd_execute/cmd_source_file of session.h:
 * multi-word names ("info breakpoints"), gdb's unique-prefix matching and
 * its customary abbreviations (Note [Command lookup]), user commands made
 * with "define" ($arg0..$arg9, $argc) and "document", and the built-ins
 * help, define, document, source, echo, shell, set confirm, quit.
 *
 * Depends on: session.h, session_state.h, output.c.  Knows nothing of targets
 * beyond the needs_target/needs_live checks.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session_state.h"

/* The registry is process-wide: commands are registered once by each part's
 * *_commands_init(), before any session exists.  Kept sorted by name. */
static const struct command **registry;
static size_t nregistry, capregistry;

size_t cmd_count(void) { return nregistry; }
const struct command *cmd_at(size_t i) { return i < nregistry ? registry[i] : NULL; }

/* Register c; a later registration of the same name replaces the earlier one
 * (a plugin or a "define" overriding a command). */
void cmd_register(const struct command *c)
{
    if (!c || !c->name || !c->fn)
        return;
    size_t i = 0;
    while (i < nregistry && strcmp(registry[i]->name, c->name) < 0)
        i++;
    if (i < nregistry && strcmp(registry[i]->name, c->name) == 0) {
        registry[i] = c;
        return;
    }
    if (nregistry == capregistry) {
        capregistry = capregistry ? capregistry * 2 : 128;
        const struct command **r = realloc(registry, capregistry * sizeof *r);
        if (!r)
            abort();
        registry = r;
    }
    memmove(registry + i + 1, registry + i, (nregistry - i) * sizeof *registry);
    registry[i] = c;
    nregistry++;
}

void cmd_unregister(const struct command *c)
{
    for (size_t i = 0; i < nregistry; i++)
        if (registry[i] == c) {
            memmove(registry + i, registry + i + 1, (nregistry - i - 1) * sizeof *registry);
            nregistry--;
            return;
        }
}

/* Note [Command lookup]
 * ~~~~~~~~~~~~~~~~~~~~~
 * A command name is one or more words; a line is resolved one word at a time
 * as gdb does.  At each level the candidates are the next words of every
 * command whose name continues the words chosen so far.  A word chooses:
 *   1. a candidate equal to it, or an alias (aliases replace a name's last word);
 *   2. else gdb's customary abbreviation ("c" continue, "i r" info registers),
 *      when the command it stands for exists;
 *   3. else the only candidate it is a prefix of.
 * Several prefixes: "Ambiguous command".  None: the command named by the words
 * chosen so far takes the rest of the line as arguments ("set x = 1" runs
 * "set"), or, if there is none, "Undefined command".  A command word is a run
 * of letters, digits, '-' and '_', so "x/4gx" is "x" with arguments "/4gx".
 */

static const struct { const char *abbrev, *full; } gdb_abbrevs[] = {
    {"b", "break"}, {"br", "break"}, {"bre", "break"}, {"brea", "break"},
    {"c", "continue"}, {"cont", "continue"}, {"fg", "continue"},
    {"s", "step"}, {"n", "next"}, {"si", "stepi"}, {"ni", "nexti"},
    {"bt", "backtrace"}, {"where", "backtrace"}, {"p", "print"}, {"inspect", "print"},
    {"i", "info"}, {"r", "run"}, {"k", "kill"}, {"q", "quit"}, {"f", "frame"},
    {"u", "until"}, {"d", "delete"}, {"fin", "finish"}, {"t", "thread"},
    {"h", "help"}, {"j", "jump"}, {"l", "list"}, {"e", "edit"},
    {"info r", "info registers"}, {"info b", "info breakpoints"}, {"info f", "info frame"},
    {"info s", "info stack"}, {"info w", "info watchpoints"}, {"info t", "info threads"},
    {"set var", "set variable"}, {"thread a", "thread apply"},
};

static bool is_word_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '_';
}

/* Does command name `name` have at least level+1 words, the first `level`
 * equal to path (path holds `level` words separated by single spaces)?
 * On success *next and *nextlen give word number level. */
static bool name_continues(const char *name, const char *path, size_t pathlen, int level,
                           const char **next, size_t *nextlen)
{
    if (level > 0) {
        if (strncmp(name, path, pathlen) != 0 || name[pathlen] != ' ')
            return false;
        name += pathlen + 1;
    }
    const char *end = strchr(name, ' ');
    *next = name;
    *nextlen = end ? (size_t)(end - name) : strlen(name);
    return *nextlen > 0;
}

/* Is there a command whose name has more words than `path`? */
static bool has_subcommands(const char *path, size_t pathlen, int level)
{
    const char *next;
    size_t nl;
    for (size_t i = 0; i < nregistry; i++)
        if (name_continues(registry[i]->name, path, pathlen, level, &next, &nl))
            return true;
    return false;
}

static const struct command *command_named(const char *path, size_t pathlen)
{
    for (size_t i = 0; i < nregistry; i++)
        if (strlen(registry[i]->name) == pathlen && strncmp(registry[i]->name, path, pathlen) == 0)
            return registry[i];
    return NULL;
}

/* Does `aliases` (space-separated) contain word w? */
static bool alias_matches(const char *aliases, const char *w, size_t wl)
{
    if (!aliases)
        return false;
    const char *p = aliases;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        if ((size_t)(e - p) == wl && strncmp(p, w, wl) == 0)
            return true;
        p = e;
    }
    return false;
}

enum lookup_status { LOOKUP_FOUND, LOOKUP_PREFIX, LOOKUP_UNDEFINED, LOOKUP_AMBIGUOUS };

struct lookup {
    enum lookup_status status;
    const struct command *cmd;
    const char *args;
    char path[256];         /* words chosen so far ("info") */
    char word[64];          /* the word that failed */
    char choices[512];      /* ambiguous candidates, ", "-separated */
};

/* Choose the next word at `level` for word w (Note [Command lookup]).
 * Writes the chosen full word to out; returns 1 chosen, 0 none, -1 ambiguous. */
static int choose_word(struct lookup *lk, size_t pathlen, int level, const char *w, size_t wl,
                       char *out, size_t outlen)
{
    const char *next;
    size_t nl;
    /* 1. exact name word or alias */
    for (size_t i = 0; i < nregistry; i++) {
        if (!name_continues(registry[i]->name, lk->path, pathlen, level, &next, &nl))
            continue;
        bool last_word = next[nl] == '\0';
        if ((nl == wl && strncmp(next, w, wl) == 0) ||
            (last_word && alias_matches(registry[i]->aliases, w, wl))) {
            snprintf(out, outlen, "%.*s", (int)nl, next);
            return 1;
        }
    }
    /* 2. gdb's abbreviations */
    char key[320];
    snprintf(key, sizeof key, "%.*s%s%.*s", (int)pathlen, lk->path, level ? " " : "", (int)wl, w);
    for (size_t i = 0; i < sizeof gdb_abbrevs / sizeof gdb_abbrevs[0]; i++) {
        if (strcmp(gdb_abbrevs[i].abbrev, key) != 0)
            continue;
        const char *full = gdb_abbrevs[i].full;
        size_t fl = strlen(full);
        if (command_named(full, fl) || has_subcommands(full, fl, level + 1)) {
            const char *last = strrchr(full, ' ');
            snprintf(out, outlen, "%s", last ? last + 1 : full);
            return 1;
        }
    }
    /* 3. unique prefix among distinct next words */
    int found = 0;
    char first[64] = "";
    lk->choices[0] = '\0';
    for (size_t i = 0; i < nregistry; i++) {
        if (!name_continues(registry[i]->name, lk->path, pathlen, level, &next, &nl))
            continue;
        if (nl < wl || strncmp(next, w, wl) != 0)
            continue;
        if (found && strlen(first) == nl && strncmp(first, next, nl) == 0)
            continue;   /* same word as before ("info threads", "info threads all") */
        /* the registry is sorted, so equal next words are adjacent only per
         * name prefix; check the list of choices too */
        char cand[64];
        snprintf(cand, sizeof cand, "%.*s", (int)nl, next);
        bool dup = false;
        for (const char *c = lk->choices; (c = strstr(c, cand)) != NULL; c += strlen(cand)) {
            bool start = c == lk->choices || c[-1] == ' ';
            bool end = c[strlen(cand)] == ',' || c[strlen(cand)] == '\0';
            if (start && end) {
                dup = true;
                break;
            }
        }
        if (dup)
            continue;
        if (found == 0)
            snprintf(first, sizeof first, "%s", cand);
        size_t cl = strlen(lk->choices);
        snprintf(lk->choices + cl, sizeof lk->choices - cl, "%s%s", cl ? ", " : "", cand);
        found++;
    }
    if (found == 1) {
        snprintf(out, outlen, "%s", first);
        return 1;
    }
    return found > 1 ? -1 : 0;
}

/* Resolve a command line (Note [Command lookup]). */
static void resolve(const char *line, struct lookup *lk)
{
    memset(lk, 0, sizeof *lk);
    const char *p = line;
    size_t pathlen = 0;
    int level = 0;
    const struct command *found = NULL;
    const char *found_args = NULL;

    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        const char *w = p;
        while (is_word_char(*p))
            p++;
        size_t wl = (size_t)(p - w);
        /* A word must end at a non-word character; "x/4" ends at '/'. */
        char chosen[64];
        int r = 0;
        if (wl > 0 && wl < sizeof lk->word)
            r = choose_word(lk, pathlen, level, w, wl, chosen, sizeof chosen);
        if (r == 1) {
            size_t cl = strlen(chosen);
            if (pathlen + cl + 2 > sizeof lk->path)
                r = 0;
            else {
                if (level)
                    lk->path[pathlen++] = ' ';
                memcpy(lk->path + pathlen, chosen, cl + 1);
                pathlen += cl;
                level++;
                const struct command *c = command_named(lk->path, pathlen);
                if (c) {
                    found = c;
                    found_args = p;
                }
                if (has_subcommands(lk->path, pathlen, level))
                    continue;
                break;
            }
        }
        /* This word names nothing deeper. */
        if (level > 0 && found && strlen(found->name) == pathlen) {
            break;      /* the command at this path takes the rest as args */
        }
        snprintf(lk->word, sizeof lk->word, "%.*s", (int)(wl ? wl : strcspn(w, " \t")), w);
        if (r == -1) {
            lk->status = LOOKUP_AMBIGUOUS;
            return;
        }
        if (level > 0 && wl == 0 && *w == '\0') {
            lk->status = LOOKUP_PREFIX;   /* "info" alone */
            return;
        }
        lk->status = LOOKUP_UNDEFINED;
        return;
    }
    lk->status = LOOKUP_FOUND;
    lk->cmd = found;
    lk->args = found_args;
    if (!found) {
        lk->status = LOOKUP_PREFIX;
        return;
    }
    while (*lk->args == ' ' || *lk->args == '\t')
        lk->args++;
}

const struct command *cmd_lookup(const char *line, const char **args_out)
{
    struct lookup lk;
    resolve(line, &lk);
    if (lk.status != LOOKUP_FOUND)
        return NULL;
    if (args_out)
        *args_out = lk.args;
    return lk.cmd;
}

const struct command *cmd_current(struct session *s)
{
    return session_state(s)->current;
}

/* ---- reading more lines (define bodies, breakpoint commands) ---- */

static char *read_line_from(FILE *f)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, f);
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return line;
}

char *cmd_read_line(struct session *s, const char *prompt)
{
    struct session_state *st = session_state(s);
    if (st->line_source)
        return read_line_from(st->line_source);
    if (s->interactive)
        return repl_read_line(s, prompt);
    return read_line_from(stdin);
}

/* Is t (trimmed) a line that opens a block closed by its own "end"? */
static bool opens_block(const char *t)
{
    return !strncmp(t, "while ", 6) || !strncmp(t, "if ", 3) || !strcmp(t, "commands") ||
           !strncmp(t, "commands ", 9) || !strncmp(t, "define ", 7) || !strncmp(t, "document ", 9);
}

/* The next line of a body: from text (advanced past it) when reading an
 * inline body, else from cmd_read_line.  NULL at the end. */
static char *next_body_line(struct session *s, const char **text)
{
    if (!*text)
        return cmd_read_line(s, ">");
    if (!**text)
        return NULL;
    const char *e = strchr(*text, '\n');
    size_t len = e ? (size_t)(e - *text) : strlen(*text);
    char *line = strndup(*text, len);
    *text = e ? e + 1 : *text + len;
    return line;
}

int cmd_read_body(struct session *s, const char *text, char ***lines_out, size_t *n_out)
{
    const bool inline_body = text != NULL;
    char **lines = NULL;
    size_t n = 0;
    int nesting = 0;
    char *line;
    while ((line = next_body_line(s, &text)) != NULL) {
        char *t = line;
        while (*t == ' ' || *t == '\t')
            t++;
        size_t tl = strlen(t);
        while (tl && (t[tl - 1] == ' ' || t[tl - 1] == '\t' || t[tl - 1] == '\r'))
            t[--tl] = '\0';
        if (strcmp(t, "end") == 0 && nesting == 0) {
            free(line);
            *lines_out = lines;
            *n_out = n;
            return 0;
        }
        if (strcmp(t, "end") == 0)
            nesting--;
        else if (opens_block(t))
            nesting++;
        char **nl = realloc(lines, (n + 1) * sizeof *nl);
        if (!nl)
            abort();
        lines = nl;
        lines[n++] = strdup(t);
        free(line);
    }
    if (inline_body) {          /* an inline body may leave out its "end" */
        *lines_out = lines;
        *n_out = n;
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
    return -1;
}

/* The inline body of a command typed as one argument ("NAME\nbody\nend"):
 * what follows args' first newline, or NULL (read the body line by line). */
static const char *inline_body(const char *args)
{
    const char *nl = strchr(args, '\n');
    return nl ? nl + 1 : NULL;
}

/* ---- user-defined commands ---- */

static int run_user_command(struct session *s, const char *args);

static struct user_command *find_user_command(struct session *s, const char *name)
{
    struct session_state *st = session_state(s);
    for (size_t i = 0; i < st->nuser_cmds; i++)
        if (strcmp(st->user_cmds[i]->name, name) == 0)
            return st->user_cmds[i];
    return NULL;
}

/* Substitute $argc and $arg0..$arg9 in one body line. */
static char *substitute_args(const char *line, char *argv[], int argc)
{
    struct strbuf sb = {0};
    const char *p = line;
    while (*p) {
        if (strncmp(p, "$argc", 5) == 0 && !is_word_char(p[5])) {
            sb_appendf(&sb, "%d", argc);
            p += 5;
        } else if (strncmp(p, "$arg", 4) == 0 && isdigit((unsigned char)p[4]) && !is_word_char(p[5])) {
            int i = p[4] - '0';
            if (i < argc)
                sb_append(&sb, argv[i], strlen(argv[i]));
            else
                sb_append(&sb, p, 5);   /* left as is: evaluates as an unset variable */
            p += 5;
        } else {
            sb_append(&sb, p, 1);
            p++;
        }
    }
    if (!sb.buf)
        sb_append(&sb, "", 0);
    return sb.buf;
}

/* Split user command arguments at blanks, keeping "quoted" and (paren) groups. */
static int split_args(const char *args, char *argv[], int max)
{
    int argc = 0;
    const char *p = args;
    while (*p && argc < max) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        const char *start = p;
        int paren = 0;
        char quote = 0;
        while (*p && (quote || paren > 0 || (*p != ' ' && *p != '\t'))) {
            if (quote) {
                if (*p == '\\' && p[1])
                    p++;
                else if (*p == quote)
                    quote = 0;
            } else if (*p == '"' || *p == '\'') {
                quote = *p;
            } else if (*p == '(') {
                paren++;
            } else if (*p == ')') {
                paren--;
            }
            p++;
        }
        argv[argc++] = strndup(start, (size_t)(p - start));
    }
    return argc;
}

#define MAX_USER_CALL_DEPTH 1024

static int run_user_command(struct session *s, const char *args)
{
    struct session_state *st = session_state(s);
    const struct command *c = st->current;
    struct user_command *uc = c ? c->data : NULL;
    if (!uc)
        return -1;
    if (st->user_call_depth >= MAX_USER_CALL_DEPTH) {
        cmd_error(s, "Max user call depth exceeded -- command aborted.");
        return -1;
    }
    char *argv[10];
    int argc = split_args(args ? args : "", argv, 10);
    int rc = 0;
    st->user_call_depth++;
    for (size_t i = 0; i < uc->nlines && rc == 0; i++) {
        char *line = substitute_args(uc->lines[i], argv, argc);
        rc = cmd_execute(s, line);
        free(line);
        if (st->quit_requested)
            break;
    }
    st->user_call_depth--;
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    return rc;
}

static void free_user_command(struct user_command *uc)
{
    for (size_t i = 0; i < uc->nlines; i++)
        free(uc->lines[i]);
    free(uc->lines);
    free(uc->doc);
    free(uc->name);
    free(uc);
}

static bool valid_command_name(const char *name)
{
    if (!*name)
        return false;
    for (const char *p = name; *p; p++)
        if (!is_word_char(*p) && *p != ' ')
            return false;
    return true;
}

/* Copy the first line of args, trimmed, as a command name. */
static char *command_name_arg(const char *args)
{
    size_t n = strcspn(args, "\n");
    while (n && (args[n - 1] == ' ' || args[n - 1] == '\t'))
        n--;
    while (n && (*args == ' ' || *args == '\t')) {
        args++;
        n--;
    }
    return strndup(args, n);
}

static int cmd_define(struct session *s, const char *args)
{
    struct session_state *st = session_state(s);
    char *name = command_name_arg(args);
    if (!*name) {
        free(name);
        cmd_error(s, "Argument required (name of command to define).");
        return -1;
    }
    if (!valid_command_name(name)) {
        cmd_error(s, "Junk in argument list: \"%s\"", name);
        free(name);
        return -1;
    }
    char **lines;
    size_t n;
    if (!inline_body(args) && s->interactive && !st->line_source)
        out_printf(s, "Type commands for definition of \"%s\".\n"
                      "End with a line saying just \"end\".\n", name);
    if (cmd_read_body(s, inline_body(args), &lines, &n) < 0) {
        cmd_error(s, "define %s: end of input before \"end\"", name);
        free(name);
        return -1;
    }
    struct user_command *old = find_user_command(s, name);
    struct user_command *uc = calloc(1, sizeof *uc);
    if (!uc)
        abort();
    uc->name = name;
    uc->lines = lines;
    uc->nlines = n;
    uc->cmd.name = uc->name;
    uc->cmd.summary = "User-defined.";
    uc->cmd.fn = run_user_command;
    uc->cmd.data = uc;
    if (old) {
        uc->doc = old->doc ? strdup(old->doc) : NULL;
        cmd_unregister(&old->cmd);
        for (size_t i = 0; i < st->nuser_cmds; i++)
            if (st->user_cmds[i] == old)
                st->user_cmds[i] = uc;
        free_user_command(old);
    } else {
        struct user_command **u = realloc(st->user_cmds, (st->nuser_cmds + 1) * sizeof *u);
        if (!u)
            abort();
        st->user_cmds = u;
        st->user_cmds[st->nuser_cmds++] = uc;
    }
    uc->cmd.help = uc->doc ? uc->doc : "User-defined.";
    cmd_register(&uc->cmd);
    return 0;
}

static int cmd_document(struct session *s, const char *args)
{
    char *name = command_name_arg(args);
    struct user_command *uc = find_user_command(s, name);
    if (!uc) {
        cmd_error(s, "Undefined command: \"%s\".", name);
        free(name);
        return -1;
    }
    free(name);
    char **lines;
    size_t n;
    if (cmd_read_body(s, inline_body(args), &lines, &n) < 0) {
        cmd_error(s, "document: end of input before \"end\"");
        return -1;
    }
    struct strbuf sb = {0};
    for (size_t i = 0; i < n; i++) {
        sb_appendf(&sb, "%s%s", i ? "\n" : "", lines[i]);
        free(lines[i]);
    }
    free(lines);
    free(uc->doc);
    uc->doc = sb.buf ? sb.buf : strdup("");
    uc->cmd.help = uc->doc;
    uc->cmd.summary = uc->doc;
    return 0;
}

/* ---- help ---- */

/* First line of a help text. */
static void print_summary_line(struct session *s, const struct command *c)
{
    const char *sum = c->summary ? c->summary : (c->help ? c->help : "");
    size_t n = strcspn(sum, "\n");
    out_printf(s, "%s -- %.*s\n", c->name, (int)n, sum);
    json_begin_object(s, NULL);
    json_str(s, "name", c->name);
    char *one = strndup(sum, n);
    json_str(s, "summary", one);
    free(one);
    json_end_object(s);
}

static void list_subcommands(struct session *s, const char *path)
{
    size_t pl = strlen(path);
    json_begin_array(s, "commands");
    for (size_t i = 0; i < nregistry; i++)
        if (strncmp(registry[i]->name, path, pl) == 0 && registry[i]->name[pl] == ' ')
            print_summary_line(s, registry[i]);
    json_end_array(s);
}

static int cmd_help(struct session *s, const char *args)
{
    if (!args || !*args) {
        out_printf(s, "List of commands:\n\n");
        json_begin_array(s, "commands");
        for (size_t i = 0; i < nregistry; i++)
            print_summary_line(s, registry[i]);
        json_end_array(s);
        out_printf(s, "\nType \"help\" followed by command name for full documentation.\n"
                      "Command name abbreviations are allowed if unambiguous.\n");
        return 0;
    }
    struct lookup lk;
    resolve(args, &lk);
    if (lk.status == LOOKUP_FOUND && *lk.args == '\0') {
        const struct command *c = lk.cmd;
        const char *text = c->help ? c->help : (c->summary ? c->summary : "");
        out_printf(s, "%s\n", *text ? text : "(no documentation)");
        json_str(s, "name", c->name);
        json_str(s, "help", text);
        if (has_subcommands(c->name, strlen(c->name), 1 + (int)(strchr(c->name, ' ') != NULL))) {
            out_printf(s, "\nList of %s subcommands:\n\n", c->name);
            list_subcommands(s, c->name);
        }
        return 0;
    }
    if (lk.status == LOOKUP_PREFIX || (lk.status == LOOKUP_FOUND && lk.cmd == NULL)) {
        out_printf(s, "List of %s subcommands:\n\n", lk.path);
        list_subcommands(s, lk.path);
        return 0;
    }
    if (lk.status == LOOKUP_AMBIGUOUS)
        cmd_error(s, "Ambiguous command \"%s\": %s.", lk.word, lk.choices);
    else
        cmd_error(s, "Undefined command: \"%s\".  Try \"help\".", args);
    return -1;
}

/* ---- echo, shell, source, set confirm, quit ---- */

/* gdb's echo: C escapes, \NNN octal; a trailing backslash is dropped. */
static int cmd_echo(struct session *s, const char *args)
{
    struct strbuf sb = {0};
    for (const char *p = args ? args : ""; *p; p++) {
        if (*p != '\\') {
            sb_append(&sb, p, 1);
            continue;
        }
        p++;
        char c;
        switch (*p) {
        case '\0': p--; continue;
        case 'n': c = '\n'; break;
        case 't': c = '\t'; break;
        case 'a': c = '\a'; break;
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'r': c = '\r'; break;
        case 'v': c = '\v'; break;
        case 'e': c = 033; break;
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
            int v = 0;
            for (int i = 0; i < 3 && *p >= '0' && *p <= '7'; i++, p++)
                v = v * 8 + (*p - '0');
            p--;
            c = (char)v;
            break;
        }
        default: c = *p; break;
        }
        sb_append(&sb, &c, 1);
    }
    if (sb.len)
        out_printf(s, "%s", sb.buf);
    sb_free(&sb);
    return 0;
}

static int cmd_shell(struct session *s, const char *args)
{
    if (!args || !*args) {
        cmd_error(s, "shell: a command is required");
        return -1;
    }
    fflush(stdout);
    if (s->json) {
        /* Capture its output into the record. */
        FILE *p = popen(args, "r");
        if (!p) {
            cmd_error(s, "shell: %s", strerror(errno));
            return -1;
        }
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf - 1, p)) > 0) {
            buf[n] = '\0';
            out_printf(s, "%s", buf);
        }
        int st = pclose(p);
        json_int(s, "status", st);
        return 0;
    }
    int st = system(args);
    if (st == -1) {
        cmd_error(s, "shell: %s", strerror(errno));
        return -1;
    }
    return 0;
}

static int cmd_source(struct session *s, const char *args)
{
    if (!args || !*args) {
        cmd_error(s, "source command requires file name of file to source.");
        return -1;
    }
    return cmd_source_file(s, args);
}

static int cmd_set_confirm(struct session *s, const char *args)
{
    if (!args || !*args || !strcmp(args, "on") || !strcmp(args, "1") || !strcmp(args, "yes"))
        session_state(s)->confirm = true;
    else if (!strcmp(args, "off") || !strcmp(args, "0") || !strcmp(args, "no"))
        session_state(s)->confirm = false;
    else {
        cmd_error(s, "\"on\" or \"off\" expected.");
        return -1;
    }
    return 0;
}

static int cmd_show_confirm(struct session *s, const char *args)
{
    bool on = session_state(s)->confirm;
    out_printf(s, "Whether to confirm potentially dangerous operations is %s.\n", on ? "on" : "off");
    json_bool(s, "confirm", on);
    return 0;
}

static int cmd_quit(struct session *s, const char *args)
{
    struct session_state *st = session_state(s);
    st->quit_requested = true;
    st->quit_status = 0;
    if (args && *args) {
        struct rd_value v;
        char err[256];
        if (expr_eval(s, args, &v, err, sizeof err) < 0 || value_fetch(s, &v, err, sizeof err) < 0) {
            cmd_error(s, "%s", err);
            return -1;
        }
        st->quit_status = (int)value_as_int(&v);
    }
    return 0;
}

static const struct command builtin_commands[] = {
    {.name = "help", .aliases = "h", .summary = "Print list of commands.",
     .help = "help [COMMAND]\nPrint the list of commands, or the full documentation of COMMAND.",
     .fn = cmd_help},
    {.name = "define", .summary = "Define a new command name.",
     .help = "define NAME\nDefine a new command NAME.  The body follows on the next lines, ended\n"
             "by a line saying just \"end\".  In the body $arg0..$arg9 are the arguments\n"
             "and $argc their number.",
     .fn = cmd_define},
    {.name = "document", .summary = "Document a user-defined command.",
     .help = "document NAME\nGive NAME, a user-defined command, the documentation on the\n"
             "following lines, ended by \"end\".  \"help NAME\" prints it.",
     .fn = cmd_document},
    {.name = "source", .summary = "Read commands from a named file.",
     .help = "source FILE\nExecute the commands in FILE, one per line; stops at the first error.",
     .fn = cmd_source},
    {.name = "echo", .summary = "Print a constant string.",
     .help = "echo TEXT\nPrint TEXT.  C escapes are honoured: \\n is a newline, \\t a tab,\n"
             "\\NNN an octal byte; use \\n to end the line.",
     .fn = cmd_echo},
    {.name = "shell", .summary = "Execute the rest of the line as a shell command.",
     .help = "shell COMMAND\nRun COMMAND with /bin/sh.",
     .fn = cmd_shell},
    {.name = "set confirm", .summary = "Set whether to confirm potentially dangerous operations.",
     .help = "set confirm on|off\nWhether to ask before killing or detaching (never asked in batch mode).",
     .fn = cmd_set_confirm},
    {.name = "show confirm", .summary = "Show whether to confirm potentially dangerous operations.",
     .help = "show confirm\nShow the \"set confirm\" setting.",
     .fn = cmd_show_confirm},
    {.name = "quit", .aliases = "q exit", .summary = "Exit rtsdb.",
     .help = "quit [EXPR]\nExit the debugger (status EXPR, default 0).  A program it launched is\n"
             "killed; a process it attached to is detached.",
     .fn = cmd_quit},
};

void command_builtins_init(void)
{
    for (size_t i = 0; i < sizeof builtin_commands / sizeof builtin_commands[0]; i++)
        cmd_register(&builtin_commands[i]);
}

/* ---- execution ---- */

/* Print the subcommands of a prefix typed alone ("info"). */
static void prefix_alone(struct session *s, const char *path)
{
    out_printf(s, "\"%s\" must be followed by the name of a %s command.\n"
                  "List of %s subcommands:\n\n", path, path, path);
    list_subcommands(s, path);
}

/* Commands an empty line must not repeat (gdb's dont_repeat): running one
 * twice by a stray Enter would restart, re-kill or re-define something. */
static bool dont_repeat(const struct command *c)
{
    static const char *const names[] = {
        "run", "start", "define", "document", "source", "shell", "attach", "detach", "kill",
        "core-file", "plugin load", "delete", "quit", "gcore", "commands",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(c->name, names[i]) == 0)
            return true;
    return strncmp(c->name, "set", 3) == 0 && (c->name[3] == ' ' || c->name[3] == '\0');
}

static int execute_resolved(struct session *s, const char *line)
{
    struct session_state *st = session_state(s);
    struct lookup lk;
    resolve(line, &lk);
    switch (lk.status) {
    case LOOKUP_AMBIGUOUS:
        if (lk.path[0])
            cmd_error(s, "Ambiguous %s command \"%s\": %s.", lk.path, lk.word, lk.choices);
        else
            cmd_error(s, "Ambiguous command \"%s\": %s.", lk.word, lk.choices);
        return -1;
    case LOOKUP_UNDEFINED:
        if (lk.path[0])
            cmd_error(s, "Undefined %s command: \"%s\".  Try \"help %s\".", lk.path, lk.word, lk.path);
        else
            cmd_error(s, "Undefined command: \"%s\".  Try \"help\".", lk.word);
        return -1;
    case LOOKUP_PREFIX:
        prefix_alone(s, lk.path);
        return 0;
    case LOOKUP_FOUND:
        break;
    }
    const struct command *c = lk.cmd;
    if ((c->needs_target || c->needs_live) && !s->target) {
        cmd_error(s, "The program is not being run.");
        return -1;
    }
    if (c->needs_live && !target_can_run(s->target)) {
        cmd_error(s, "The program is not being run.");
        return -1;
    }
    if (st->depth == 1 && dont_repeat(c)) {
        free(st->last_line);
        st->last_line = NULL;
    }
    const struct command *saved = st->current;
    st->current = c;
    int rc = c->fn(s, lk.args) == 0 ? 0 : -1;
    st->current = saved;
    return rc;
}

int cmd_execute(struct session *s, const char *line_in)
{
    struct session_state *st = session_state(s);
    if (!line_in)
        return 0;
    /* Trim; keep inner newlines (an inline "define" body). */
    while (*line_in == ' ' || *line_in == '\t')
        line_in++;
    char *line = strdup(line_in);
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
        line[--n] = '\0';

    if (n == 0 && st->depth == 0 && s->interactive && st->last_line) {
        free(line);
        line = strdup(st->last_line);     /* an empty line repeats the last command */
        n = strlen(line);
    }
    if (n == 0 || line[0] == '#') {
        free(line);
        return 0;
    }
    if (st->depth == 0) {
        free(st->last_line);
        st->last_line = strdup(line);
    }

    bool top = st->depth == 0;
    out_begin_command(s, line);
    int rc;
    if (line[0] == '!')
        rc = cmd_shell(s, line + 1);
    else
        rc = execute_resolved(s, line);
    if (rc != 0 && top)
        s->failures++;
    out_end_command(s, line, rc);
    free(line);
    return rc;
}

/* Read commands from f until EOF, an error, or quit.  Empty lines do not
 * repeat here (only the REPL repeats). */
int cmd_source_stream(struct session *s, FILE *f, const char *name)
{
    struct session_state *st = session_state(s);
    FILE *saved = st->line_source;
    bool saved_interactive = s->interactive;
    st->line_source = f;
    s->interactive = false;
    int rc = 0;
    char *line;
    (void)name;
    while ((line = read_line_from(f)) != NULL) {
        const char *t = line;
        while (*t == ' ' || *t == '\t')
            t++;
        if (*t && *t != '#')
            rc = cmd_execute(s, t);
        free(line);
        if (rc != 0 || st->quit_requested)
            break;
    }
    st->line_source = saved;
    s->interactive = saved_interactive;
    return rc;
}

int cmd_source_file(struct session *s, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        cmd_error(s, "%s: %s.", path, strerror(errno));
        return -1;
    }
    int rc = cmd_source_stream(s, f, path);
    fclose(f);
    return rc;
}

void command_free_all(struct session *s)
{
    struct session_state *st = session_state(s);
    for (size_t i = 0; i < st->nuser_cmds; i++) {
        cmd_unregister(&st->user_cmds[i]->cmd);
        free_user_command(st->user_cmds[i]);
    }
    free(st->user_cmds);
    st->user_cmds = NULL;
    st->nuser_cmds = 0;
    free(st->last_line);
    st->last_line = NULL;
}
