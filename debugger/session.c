/* session.c — the debugger's session: its target, symbols, selection.
 *
 * Offers session_new/session_free, session_set_target (symbols, breakpoints
 * re-inserted, plugins autoloaded), session_drop_target, and the selected
 * thread and frame every command works on.
 *
 * Depends on: session.h, symtab.h (symtab_load, unwind_thread), infrun.h,
 * plugin.c.  Never calls ptrace: the target does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infrun.h"
#include "session_state.h"

struct session *session_new(void)
{
    struct session *s = calloc(1, sizeof *s);
    struct session_state *st = calloc(1, sizeof *st);
    if (!s || !st)
        abort();
    s->priv = st;
    st->confirm = true;
    st->x_fmt = 'x';
    st->x_size = 'w';
    s->cur_thread = 1;
    s->infrun = infrun_new(s);
    return s;
}

void session_free(struct session *s)
{
    if (!s)
        return;
    session_drop_target(s);
    plugin_unload_all(s);
    if (session_state(s)->file_symtab)
        symtab_free(session_state(s)->file_symtab);
    free(session_state(s)->file_symtab_path);
    if (s->infrun)
        infrun_free(s->infrun);
    command_free_all(s);
    expr_free_state(s);
    output_free(s);
    free(s->exe);
    if (s->prog_args) {
        for (char **a = s->prog_args; *a; a++)
            free(*a);
        free(s->prog_args);
    }
    free(s->priv);
    free(s);
}

/* Install t: load its symbols (a failure is reported but not fatal: a target
 * without symbols can still be examined by address), re-arm breakpoints, pick
 * the first live thread, then offer the target to the plugins. */
int session_set_target(struct session *s, struct target *t)
{
    if (s->target && s->target != t)
        session_drop_target(s);
    s->target = t;
    s->cur_frame = 0;
    s->cur_thread = 1;
    if (t->ops->update_threads)
        t->ops->update_threads(t);
    for (size_t i = 0; i < t->nthreads; i++)
        if (!t->threads[i].exited) {
            s->cur_thread = t->threads[i].num;
            break;
        }
    char err[512] = "";
    if (!s->symtab) {
        s->symtab = symtab_load(t, err, sizeof err);
        if (!s->symtab)
            out_warning(s, "no symbols for %s: %s", t->exe[0] ? t->exe : "the target",
                      err[0] ? err : "unknown reason");
    }
    if (s->infrun)
        infrun_target_attached(s);
    plugin_autoload(s);
    return 0;
}

/* Forget the target (the caller has killed or detached it, or it exited). */
void session_drop_target(struct session *s)
{
    if (s->symtab) {
        symtab_free(s->symtab);
        s->symtab = NULL;
    }
    if (s->target) {
        struct target *t = s->target;
        s->target = NULL;
        if (t->ops->close)
            t->ops->close(t);
    }
    s->cur_frame = 0;
}

struct symtab *session_symtab(struct session *s)
{
    struct session_state *st = session_state(s);
    if (s->target)
        return s->symtab;
    if (!s->exe)
        return NULL;
    if (st->file_symtab && strcmp(st->file_symtab_path, s->exe) == 0)
        return st->file_symtab;
    if (st->file_symtab_path && strcmp(st->file_symtab_path, s->exe) == 0)
        return NULL;            /* tried and failed: don't retry every expression */
    if (st->file_symtab)
        symtab_free(st->file_symtab);
    free(st->file_symtab_path);
    char err[256];
    st->file_symtab = symtab_load_file(s->exe, err, sizeof err);
    st->file_symtab_path = strdup(s->exe);
    return st->file_symtab;
}

pid_t session_current_tid(struct session *s)
{
    if (!s->target)
        return 0;
    struct rd_thread *th = target_thread_by_num(s->target, s->cur_thread);
    if (th && !th->exited)
        return th->tid;
    for (size_t i = 0; i < s->target->nthreads; i++)
        if (!s->target->threads[i].exited)
            return s->target->threads[i].tid;
    return s->target->pid;
}

/* The selected frame, from the unwinder when there are symbols (it knows
 * the CFA), else frame 0 straight from the thread's registers. */
int session_selected_frame(struct session *s, struct frame *out, char *errbuf, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!s->target) {
        snprintf(errbuf, errlen, "No registers.");
        return -1;
    }
    if (s->target->running) {
        snprintf(errbuf, errlen, "Selected thread is running.");
        return -1;
    }
    pid_t tid = session_current_tid(s);
    /* Unwinding even frame 0 gives its CFA, which DWARF frame bases need. */
    if (s->symtab) {
        int want = s->cur_frame + 1 < RD_MAX_FRAMES ? s->cur_frame + 1 : RD_MAX_FRAMES;
        struct frame *frames = calloc((size_t)want, sizeof *frames);
        if (!frames)
            abort();
        int n = unwind_thread(s->symtab, tid, frames, want);
        if (n > s->cur_frame) {
            *out = frames[s->cur_frame];
            free(frames);
            return 0;
        }
        free(frames);
    }
    int rc = s->target->ops->get_regs(s->target, tid, &out->regs);
    if (rc < 0) {
        snprintf(errbuf, errlen, "Cannot read registers of thread %d (LWP %d).", s->cur_thread, (int)tid);
        return -1;
    }
    out->level = 0;
    out->pc = out->regs.rip;
    out->sp = out->regs.rsp;
    out->cfa = 0;
    out->regs_valid = true;
    return 0;
}
