/* rtsdb-plugin.h — the public, versioned C ABI for rtsdb plugins.
 *
 * A plugin is a shared object loaded with dlopen (`plugin load PATH`, or
 * automatically from the install's plugin folder when it recognises the
 * target).  It exports:
 *
 *   int rtsdb_plugin_init(const struct rtsdb_api *api, void **plugin_state);
 *       return 0 to stay loaded; called once, after the target is set.
 *   int rtsdb_plugin_recognise(const struct rtsdb_api *api);   (optional)
 *       return 1 when the target is one this plugin understands (auto-load).
 *
 * The API is a struct of function pointers whose first fields are its version
 * and size; new functions are only ever appended (minor versions), so a plugin
 * built against an older header keeps working.  A plugin checks
 * api->version >= RTSDB_PLUGIN_API_VERSION_MIN it needs.
 *
 * Plugins see the debuggee only through this API: memory, registers, threads,
 * symbols.  Everything read is untrusted.
 */
#ifndef RTSDB_PLUGIN_H
#define RTSDB_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#define RTSDB_PLUGIN_API_VERSION 3

struct rtsdb_session;   /* opaque: the debugger's session */

typedef int (*rtsdb_cmd_fn)(struct rtsdb_session *s, const char *args, void *plugin_state);
typedef void (*rtsdb_complete_fn)(struct rtsdb_session *s, const char *text,
                                  void (*add)(const char *cand, void *arg), void *arg,
                                  void *plugin_state);

struct rtsdb_plugin_command {
    const char *name;       /* may be multi-word: "rts mvar" */
    const char *summary;
    const char *help;
    rtsdb_cmd_fn fn;
    rtsdb_complete_fn complete;     /* may be NULL */
    bool needs_live;                /* only on a live process */
};

struct rtsdb_plugin_watch {
    const char *name;               /* mechanism name shown by "info watchpoints" */
    const char *flag;               /* watch option that selects it: "-evac" */
    int (*arm)(struct rtsdb_session *s, int wp_num, const char *expr, uint64_t addr,
               size_t len, void **state, char *errbuf, size_t errlen, void *plugin_state);
    void (*disarm)(struct rtsdb_session *s, void *state, void *plugin_state);
    /* At every stop: return true (after printing the hit) if it is this watch. */
    bool (*check_stop)(struct rtsdb_session *s, void *state, pid_t tid, int signo,
                       void *plugin_state);
};

struct rtsdb_api {
    uint32_t version;       /* RTSDB_PLUGIN_API_VERSION of the debugger */
    uint32_t size;          /* sizeof(struct rtsdb_api) of the debugger */
    struct rtsdb_session *session;

    /* target access; return 0 or -errno */
    int (*read_memory)(struct rtsdb_session *s, uint64_t addr, void *buf, size_t len);
    int (*write_memory)(struct rtsdb_session *s, uint64_t addr, const void *buf, size_t len);
    int (*get_regs)(struct rtsdb_session *s, pid_t tid, struct user_regs_struct *regs);
    bool (*is_live)(struct rtsdb_session *s);
    pid_t (*current_tid)(struct rtsdb_session *s);
    /* thread numbers (gdb-style) and tids: returns count written */
    int (*threads)(struct rtsdb_session *s, pid_t *tids, int *nums, int max);

    /* symbols */
    bool (*lookup_symbol)(struct rtsdb_session *s, const char *name, uint64_t *addr, uint64_t *size);
    /* name of the symbol containing addr (+offset); false if none */
    bool (*symbolize)(struct rtsdb_session *s, uint64_t addr, char *buf, size_t len);
    /* Print a gdb-style backtrace from a register set (green threads). */
    int (*backtrace_from_regs)(struct rtsdb_session *s, const struct user_regs_struct *regs, int max);

    /* output: text, and structured data for --json */
    void (*printf)(struct rtsdb_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
    void (*error)(struct rtsdb_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
    bool (*json_mode)(struct rtsdb_session *s);
    void (*json_str)(struct rtsdb_session *s, const char *key, const char *val);
    void (*json_int)(struct rtsdb_session *s, const char *key, long long val);
    void (*json_uint)(struct rtsdb_session *s, const char *key, unsigned long long val);
    void (*json_bool)(struct rtsdb_session *s, const char *key, bool val);
    void (*json_begin_object)(struct rtsdb_session *s, const char *key);
    void (*json_end_object)(struct rtsdb_session *s);
    void (*json_begin_array)(struct rtsdb_session *s, const char *key);
    void (*json_end_array)(struct rtsdb_session *s);

    /* registration */
    int (*register_command)(struct rtsdb_session *s, const struct rtsdb_plugin_command *cmd,
                            void *plugin_state);
    int (*register_watch)(struct rtsdb_session *s, const struct rtsdb_plugin_watch *w,
                          void *plugin_state);
    /* Run a debugger command line (e.g. "continue") from a plugin. */
    int (*execute)(struct rtsdb_session *s, const char *line);
    /* Resume until the next stop (as "continue"); returns 0 stopped, 1 exited. */
    int (*resume_and_wait)(struct rtsdb_session *s);

    /* --- version 2 --- */
    /* Evaluate an expression as `print` would (in the selected frame) and
     * give its value as an integer (a pointer's address, an integer's
     * value).  0, or -1 with a one-line reason in errbuf. */
    int (*evaluate)(struct rtsdb_session *s, const char *expr, uint64_t *value,
                    char *errbuf, size_t errlen);

    /* --- version 3 --- */
    /* A trap for a watch mechanism: a silent internal breakpoint at addr (a
     * function the program calls when something watched happens, such as
     * the runtime's rts_dbg_trap).  A thread that reaches it stops, every
     * plugin watch's check_stop is asked, and when none claims the stop the
     * program resumes with nothing reported.  Returns a handle (> 0) for
     * remove_trap, or -errno. */
    int (*add_trap)(struct rtsdb_session *s, uint64_t addr);
    void (*remove_trap)(struct rtsdb_session *s, int handle);
};

typedef int (*rtsdb_plugin_init_fn)(const struct rtsdb_api *api, void **plugin_state);
typedef int (*rtsdb_plugin_recognise_fn)(const struct rtsdb_api *api);

#endif
