/* target.c — what every target shares: the convenience wrappers declared at
 * the bottom of target.h, the thread list and the memory error message.
 *
 * Offers: target_read/write/read_u64/read_string, thread lookup, thread list
 * growth (target_add_thread, target_thread_name_from_proc), target_errmsg.
 * Must not depend on: ptrace, the core format, or anything above target.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target.h"
#include "target_internal.h"

int target_read(struct target *t, addr_t addr, void *buf, size_t len)
{
    if (!t)
        return -ESRCH;
    if (len == 0)
        return 0;
    return t->ops->read_memory(t, addr, buf, len);
}

int target_write(struct target *t, addr_t addr, const void *buf, size_t len)
{
    if (!t)
        return -ESRCH;
    if (len == 0)
        return 0;
    if (!t->ops->write_memory)
        return -EROFS;
    return t->ops->write_memory(t, addr, buf, len);
}

int target_read_u64(struct target *t, addr_t addr, uint64_t *out)
{
    return target_read(t, addr, out, sizeof *out);
}

/* Reads in small pieces that never cross a page, so a string that ends just
 * before an unmapped page is still read; guarantees buf is NUL-terminated
 * whenever max > 0. */
int target_read_string(struct target *t, addr_t addr, char *buf, size_t max)
{
    if (max == 0)
        return -EINVAL;
    size_t got = 0;
    buf[0] = '\0';
    while (got < max - 1) {
        addr_t a = addr + got;
        size_t chunk = 64 - (a & 63);           /* stays inside one page */
        if (chunk > max - 1 - got)
            chunk = max - 1 - got;
        int rc = target_read(t, a, buf + got, chunk);
        if (rc < 0) {
            buf[got] = '\0';
            return got > 0 ? (int)got : rc;
        }
        char *nul = memchr(buf + got, '\0', chunk);
        if (nul)
            return (int)(nul - buf);
        got += chunk;
    }
    buf[got] = '\0';
    return (int)got;
}

struct rd_thread *target_thread_by_tid(struct target *t, pid_t tid)
{
    if (!t)
        return NULL;
    for (size_t i = 0; i < t->nthreads; i++)
        if (t->threads[i].tid == tid && !t->threads[i].exited)
            return &t->threads[i];
    for (size_t i = 0; i < t->nthreads; i++)
        if (t->threads[i].tid == tid)
            return &t->threads[i];
    return NULL;
}

struct rd_thread *target_thread_by_num(struct target *t, int num)
{
    if (!t)
        return NULL;
    for (size_t i = 0; i < t->nthreads; i++)
        if (t->threads[i].num == num)
            return &t->threads[i];
    return NULL;
}

const char *target_errmsg(int err, addr_t addr, char *buf, size_t len)
{
    if (err < 0)
        err = -err;
    switch (err) {
    case EFAULT: case EIO: case ENOMEM:
        snprintf(buf, len, "Cannot access memory at address 0x%llx", (unsigned long long)addr);
        break;
    case EROFS:
        snprintf(buf, len, "Cannot write memory at address 0x%llx: the target is a core file",
                 (unsigned long long)addr);
        break;
    case ESRCH:
        snprintf(buf, len, "The program is not being run.");
        break;
    default:
        snprintf(buf, len, "Cannot access memory at address 0x%llx: %s",
                 (unsigned long long)addr, strerror(err));
        break;
    }
    return buf;
}

struct rd_thread *target_add_thread(struct target *t, pid_t tid)
{
    struct rd_thread *th = realloc(t->threads, (t->nthreads + 1) * sizeof *th);
    if (!th)
        return NULL;
    t->threads = th;
    th = &t->threads[t->nthreads++];
    memset(th, 0, sizeof *th);
    th->tid = tid;
    if (t->next_thread_num < 1)
        t->next_thread_num = 1;
    th->num = t->next_thread_num++;
    return th;
}

void target_thread_name_from_proc(pid_t pid, pid_t tid, char name[17])
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task/%d/comm", (int)pid, (int)tid);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char buf[32];
    if (fgets(buf, sizeof buf, f)) {
        size_t n = strcspn(buf, "\n");
        if (n > 16)
            n = 16;
        memcpy(name, buf, n);
        name[n] = '\0';
    }
    fclose(f);
}

void target_free_common(struct target *t)
{
    free(t->threads);
    free(t);
}

int target_parse_proc_maps(pid_t pid, struct rd_map **out, size_t *n)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -errno;
    struct rd_map *maps = NULL;
    size_t count = 0, cap = 0;
    char line[4096 + 128];
    while (fgets(line, sizeof line, f)) {
        unsigned long long lo, hi, off;
        char perms[8];
        int name_at = 0;
        if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %n", &lo, &hi, perms, &off, &name_at) < 4)
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            struct rd_map *m = realloc(maps, cap * sizeof *m);
            if (!m) {
                free(maps);
                fclose(f);
                return -ENOMEM;
            }
            maps = m;
        }
        struct rd_map *m = &maps[count++];
        memset(m, 0, sizeof *m);
        m->start = lo;
        m->end = hi;
        m->offset = off;
        m->r = perms[0] == 'r';
        m->w = perms[1] == 'w';
        m->x = perms[2] == 'x';
        if (name_at > 0) {
            char *name = line + name_at;
            name[strcspn(name, "\n")] = '\0';
            snprintf(m->path, sizeof m->path, "%s", name);
        }
    }
    fclose(f);
    *out = maps;
    *n = count;
    return 0;
}
