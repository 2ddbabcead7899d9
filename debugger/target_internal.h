/* target_internal.h — helpers shared by the target implementations only
 * (target.c, target_ptrace.c, target_core.c, gcore.c).  Not for commands.
 */
#ifndef RTSDB_TARGET_INTERNAL_H
#define RTSDB_TARGET_INTERNAL_H

#include "target.h"

/* Append a thread with the next gdb-style number; NULL when out of memory. */
struct rd_thread *target_add_thread(struct target *t, pid_t tid);
/* Fill name from /proc/PID/task/TID/comm (left unchanged if unreadable). */
void target_thread_name_from_proc(pid_t pid, pid_t tid, char name[17]);
/* Parse /proc/PID/maps into a malloc'd array; 0 or -errno. */
int target_parse_proc_maps(pid_t pid, struct rd_map **out, size_t *n);
/* Free the thread list and the target itself. */
void target_free_common(struct target *t);

#endif
