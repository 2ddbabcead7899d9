/* symtab_commands.c — the commands about frames and symbols.
 *
 * Offers symtab_commands_init, registering (gdb's names and output):
 *   backtrace [N|-N] [full]   (bt, where)     frame [N] (f)   up [N]   down [N]
 *   info frame   info symbol ADDR   info address SYM   info line LOCATION
 *   info sharedlibrary   info functions [REGEX]
 * Frames come from unwind_thread on the selected thread; lines are printed
 * by frame_describe.  Before a program runs, symbol commands use the
 * program file alone (link-time addresses, as gdb does).
 *
 * Depends on: session.h (commands, output, expressions), symtab_priv.h.
 * Reaches the target only through the symtab and target operations.
 */
#include <ctype.h>
#include <errno.h>
#include <gelf.h>
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "session.h"
#include "symtab_priv.h"

/* ---- shared helpers ---- */

/* Frames of the selected thread; NULL (with the error reported) when there
 * is no stack.  *n is the frame count; the caller frees the array. */
static struct frame *selected_thread_frames(struct session *s, int *n)
{
    if (!s->target) {
        cmd_error(s, "No stack.");
        return NULL;
    }
    if (s->target->running) {
        cmd_error(s, "Selected thread is running.");
        return NULL;
    }
    if (!s->symtab) {
        cmd_error(s, "No symbol table is loaded.");
        return NULL;
    }
    struct frame *frames = calloc(RD_MAX_FRAMES, sizeof *frames);
    if (!frames) {
        cmd_error(s, "Out of memory.");
        return NULL;
    }
    pid_t tid = session_current_tid(s);
    *n = unwind_thread(s->symtab, tid, frames, RD_MAX_FRAMES);
    if (*n <= 0) {
        cmd_error(s, "Cannot read registers of thread %d (LWP %d).", s->cur_thread, (int)tid);
        free(frames);
        return NULL;
    }
    return frames;
}

/* Parse an optional non-negative count; false (error reported) on junk. */
static bool parse_count(struct session *s, const char *text, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 0);
    while (isspace((unsigned char)*end))
        end++;
    if (errno || end == text || *end) {
        cmd_error(s, "Invalid number \"%s\".", text);
        return false;
    }
    *out = v;
    return true;
}

/* Evaluate an address expression ("0x401000", "main", "&var", "$pc"). */
static bool parse_address(struct session *s, const char *text, addr_t *out)
{
    struct rd_value v;
    char err[256];
    /* A function or object name stands for its address, as in gdb. */
    struct symtab *st = session_symtab(s);
    struct sym_info si;
    size_t n = strspn(text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.");
    if (st && n > 0 && text[n] == '\0' && !isdigit((unsigned char)text[0])
        && symtab_lookup_name(st, text, &si)) {
        *out = si.addr;
        return true;
    }
    if (expr_eval(s, text, &v, err, sizeof err) != 0) {
        cmd_error(s, "%s", err);
        return false;
    }
    if (!v.fetched && value_fetch(s, &v, err, sizeof err) != 0) {
        cmd_error(s, "%s", err);
        return false;
    }
    *out = (addr_t)value_as_int(&v);
    return true;
}

static void json_frame(struct session *s, struct symtab *st, const struct frame *f)
{
    struct sym_info si;
    struct line_info li;
    addr_t pc = frame_lookup_pc(f);
    json_begin_object(s, NULL);
    json_int(s, "level", f->level);
    json_uint(s, "pc", f->pc);
    json_uint(s, "sp", f->sp);
    json_uint(s, "cfa", f->cfa);
    struct frame_scopes fs;
    const char *name = NULL;
    if (frame_scopes_get(st, f, &fs))
        name = symtab_function_name(&fs.scopes[fs.func]);
    if (!name && symtab_lookup_addr(st, pc, &si))
        name = si.name;
    if (f->signal_frame)
        name = "<signal handler called>";
    if (name)
        json_str(s, "func", name);
    frame_scopes_free(&fs);
    if (f->inline_depth > 0)
        json_bool(s, "inlined", true);
    if (frame_line(st, f, &li, NULL)) {
        json_str(s, "file", li.file);
        json_int(s, "line", li.line);
    }
    Dwfl_Module *mod = symtab_module_at(st, pc, NULL);
    if (mod)
        json_str(s, "module", symtab_module_path(mod));
    json_end_object(s);
}

/* Print the source line of frame f ("147\t    code"), as gdb does after
 * selecting a frame. */
static void print_source_line(struct session *s, struct symtab *st, const struct frame *f)
{
    char path[4096];
    addr_t start, end;
    struct line_info li;
    addr_t pc = frame_lookup_pc(f);
    const char *call_file;
    if (f->signal_frame || !frame_line(st, f, &li, &call_file))
        return;
    if (call_file)      /* the call site of an inlined callee */
        snprintf(path, sizeof path, "%s", call_file);
    else if (!symtab_line_details(st, pc, path, sizeof path, &start, &end))
        return;
    FILE *fp = fopen(path, "re");
    if (!fp) {
        out_printf(s, "%d\t%s: No such file or directory.\n", li.line, li.file);
        return;
    }
    char line[1024];
    int lineno = 0;
    while (fgets(line, sizeof line, fp)) {
        if (++lineno == li.line) {
            size_t n = strlen(line);
            out_printf(s, "%d\t%s%s", li.line, line, n && line[n - 1] == '\n' ? "" : "\n");
            break;
        }
    }
    fclose(fp);
}

/* Print one frame line ("#1  0x... in f (a=1) at x.c:3"). */
static void print_frame(struct session *s, struct symtab *st, const struct frame *f)
{
    char buf[2048];
    frame_describe(st, f, buf, sizeof buf);
    out_printf(s, "%s\n", buf);
}

/* Print "NAME = VALUE" for variable `name` seen from frame f (the value
 * "<optimized out>" or "<error: ...>" where it has none); false if there
 * is no such variable. */
static bool print_variable(struct session *s, struct symtab *st, const struct frame *f,
                           const char *name, const char *indent)
{
    struct rd_value v;
    char text[1024], err[256];
    if (!name || !dwarf_lookup_variable(st, f, name, &v))
        return false;
    if (v.optimized_out)
        snprintf(text, sizeof text, "<optimized out>");
    else if (value_format_variable(s, &v, text, sizeof text) != 0) {
        if (value_fetch(s, &v, err, sizeof err) != 0)
            snprintf(text, sizeof text, "<error: %s>", err);
        else if (value_format_variable(s, &v, text, sizeof text) != 0)
            snprintf(text, sizeof text, "<error>");
    }
    out_printf(s, "%s%s = %s\n", indent, name, text);
    return true;
}

/* Print the locals of frame f, indented as "bt full" does. */
static void print_locals(struct session *s, struct symtab *st, const struct frame *f,
                         const char *indent)
{
    struct frame_scopes fs;
    bool any = false;
    if (!frame_scopes_get(st, f, &fs)) {
        out_printf(s, "No symbol table info available.\n");
        return;
    }
    /* The frame's own function only: an inlined callee's locals belong to
     * the frame above (Note [Inlined frames] in symtab_inline.c). */
    for (int i = fs.first; i <= fs.func; i++) {
        Dwarf_Die child;
        if (dwarf_child(&fs.scopes[i], &child) != 0)
            continue;
        do {
            if (dwarf_tag(&child) == DW_TAG_variable
                && print_variable(s, st, f, dwarf_diename(&child), indent))
                any = true;
        } while (dwarf_siblingof(&child, &child) == 0);
    }
    if (!any)
        out_printf(s, "No locals.\n");
    frame_scopes_free(&fs);
}

/* ---- backtrace ---- */

static int cmd_backtrace(struct session *s, const char *args)
{
    bool full = false;
    long limit = 0;     /* 0: all; > 0 innermost N; < 0 outermost N */
    char word[64];
    const char *p = args ? args : "";
    int used;
    while (sscanf(p, " %63s%n", word, &used) == 1) {
        p += used;
        if (strcmp(word, "full") == 0 || strcmp(word, "-full") == 0)
            full = true;
        else if (!parse_count(s, word, &limit))
            return -1;
    }
    int n;
    struct frame *frames = selected_thread_frames(s, &n);
    if (!frames)
        return -1;
    int from = 0, to = n;
    if (limit > 0 && limit < n)
        to = (int)limit;
    else if (limit < 0 && -limit < n)
        from = n + (int)limit;
    json_begin_array(s, "frames");
    for (int i = from; i < to; i++) {
        print_frame(s, s->symtab, &frames[i]);
        if (full && !frames[i].signal_frame)
            print_locals(s, s->symtab, &frames[i], "        ");
        json_frame(s, s->symtab, &frames[i]);
    }
    json_end_array(s);
    if (limit > 0 && to < n)
        out_printf(s, "(More stack frames follow...)\n");
    free(frames);
    return 0;
}

/* ---- frame selection ---- */

/* Select frame `level` of the selected thread and print it as gdb's
 * "frame" does: the frame line and its source line. */
static int select_and_print(struct session *s, long level, const char *too_far)
{
    int n;
    struct frame *frames = selected_thread_frames(s, &n);
    if (!frames)
        return -1;
    if (level < 0 || level >= n) {
        if (too_far)
            cmd_error(s, "%s", too_far);
        else
            cmd_error(s, "No frame at level %ld.", level);
        free(frames);
        return -1;
    }
    s->cur_frame = (int)level;
    print_frame(s, s->symtab, &frames[level]);
    print_source_line(s, s->symtab, &frames[level]);
    json_begin_array(s, "frames");
    json_frame(s, s->symtab, &frames[level]);
    json_end_array(s);
    free(frames);
    return 0;
}

static int cmd_frame(struct session *s, const char *args)
{
    long level = s->cur_frame;
    if (args && *args && !parse_count(s, args, &level))
        return -1;
    return select_and_print(s, level, NULL);
}

static int cmd_up(struct session *s, const char *args)
{
    long k = 1;
    if (args && *args && !parse_count(s, args, &k))
        return -1;
    int n;
    struct frame *frames = selected_thread_frames(s, &n);
    if (!frames)
        return -1;
    free(frames);
    long level = s->cur_frame + k;
    if (s->cur_frame == n - 1 && k > 0) {
        cmd_error(s, "Initial frame selected; you cannot go up.");
        return -1;
    }
    if (level >= n)
        level = n - 1;     /* gdb stops at the outermost frame */
    return select_and_print(s, level, NULL);
}

static int cmd_down(struct session *s, const char *args)
{
    long k = 1;
    if (args && *args && !parse_count(s, args, &k))
        return -1;
    if (s->target && s->cur_frame == 0 && k > 0) {
        cmd_error(s, "Bottom (innermost) frame selected; you cannot go down.");
        return -1;
    }
    long level = s->cur_frame - k;
    if (level < 0)
        level = 0;
    return select_and_print(s, level, NULL);
}

/* ---- info locals ---- */

/* The selected frame's locals, as "bt full" shows them, unindented. */
static int cmd_info_locals(struct session *s, const char *args)
{
    int n;
    struct frame *frames = selected_thread_frames(s, &n);
    if (!frames)
        return -1;
    print_locals(s, s->symtab, &frames[s->cur_frame < n ? s->cur_frame : n - 1], "");
    free(frames);
    return 0;
}

/* ---- info args ---- */

/* The selected frame's parameters, one "name = value" a line, as gdb's
 * "info args": the current value only (entry values resolved where the
 * location needs them, but no "@entry" beside them). */
static int cmd_info_args(struct session *s, const char *args)
{
    int n;
    struct frame *frames = selected_thread_frames(s, &n);
    if (!frames)
        return -1;
    struct symtab *st = s->symtab;
    struct frame *f = &frames[s->cur_frame < n ? s->cur_frame : n - 1];
    struct frame_scopes fs;
    bool any = false;
    if (f->signal_frame || !frame_scopes_get(st, f, &fs)) {
        out_printf(s, "No symbol table info available.\n");
        free(frames);
        return 0;
    }
    Dwarf_Die child;
    if (dwarf_child(&fs.scopes[fs.func], &child) == 0) {
        do {
            if (dwarf_tag(&child) == DW_TAG_formal_parameter
                && print_variable(s, st, f, dwarf_diename(&child), ""))
                any = true;
        } while (dwarf_siblingof(&child, &child) == 0);
    }
    if (!any)
        out_printf(s, "No arguments.\n");
    frame_scopes_free(&fs);
    free(frames);
    return 0;
}

/* ---- info frame ---- */

static int cmd_info_frame(struct session *s, const char *args)
{
    int n;
    struct frame *frames = selected_thread_frames(s, &n);
    if (!frames)
        return -1;
    int level = s->cur_frame < n ? s->cur_frame : n - 1;
    struct frame *f = &frames[level];
    struct symtab *st = s->symtab;
    addr_t pc = frame_lookup_pc(f);
    struct sym_info si;
    struct line_info li;
    struct frame_scopes fs;
    const char *name = frame_scopes_get(st, f, &fs) ? symtab_function_name(&fs.scopes[fs.func]) : NULL;
    if (!name)
        name = symtab_lookup_addr(st, pc, &si) ? si.name : "??";
    /* An inlined frame shares its machine frame: the saved rip is the one
     * of the real function it was inlined into. */
    int machine = level;
    while (machine + 1 < n && frames[machine].inline_depth > 0)
        machine++;

    out_printf(s, "Stack level %d, frame at 0x%" PRIx64 ":\n", level, f->cfa);
    out_printf(s, " rip = 0x%" PRIx64 " in %s", f->pc, name);
    if (frame_line(st, f, &li, NULL))
        out_printf(s, " (%s:%d)", li.file, li.line);
    out_printf(s, "; saved rip = ");
    if (machine + 1 < n)
        out_printf(s, "0x%" PRIx64 "\n", frames[machine + 1].pc);
    else
        out_printf(s, "<not saved>\n");
    if (f->inline_depth > 0)
        out_printf(s, " inlined into frame %d\n", level + 1);
    else if (level + 1 < n)
        out_printf(s, " called by frame at 0x%" PRIx64 "\n", frames[level + 1].cfa);
    if (level > 0)
        out_printf(s, " caller of frame at 0x%" PRIx64 "\n", frames[level - 1].cfa);
    if (f->inline_depth > 0) {
        out_printf(s, " Arglist at unknown address.\n");
        out_printf(s, " Locals at unknown address, Previous frame's sp is 0x%" PRIx64 "\n",
                   f->cfa);
    } else {
        char args_text[2048];
        frame_describe_args(st, f, args_text, sizeof args_text);
        out_printf(s, " Arglist at 0x%" PRIx64 ", args: %s\n", f->cfa - 16, args_text);
        out_printf(s, " Locals at 0x%" PRIx64 ", Previous frame's sp is 0x%" PRIx64 "\n",
                   f->cfa - 16, f->cfa);
    }
    out_printf(s, " Saved registers:\n  rip at 0x%" PRIx64 "\n", f->cfa - 8);
    if (f->inline_depth > 0)
        json_int(s, "inlined_into", level + 1);
    json_int(s, "level", level);
    json_uint(s, "frame_at", f->cfa);
    json_uint(s, "pc", f->pc);
    json_str(s, "func", name);
    frame_scopes_free(&fs);
    free(frames);
    return 0;
}

/* ---- info symbol / info address ---- */

/* Name of the ELF section holding addr in its module ("" if none). */
static const char *section_name(struct symtab *st, addr_t addr)
{
    Dwarf_Addr bias;
    Dwfl_Module *mod = symtab_module_at(st, addr, NULL);
    Dwarf_Addr rel = addr;
    Elf_Scn *scn = mod ? dwfl_module_address_section(mod, &rel, &bias) : NULL;
    Elf *elf = mod ? dwfl_module_getelf(mod, &bias) : NULL;
    size_t shstrndx;
    GElf_Shdr sh;
    if (!scn || !elf || elf_getshdrstrndx(elf, &shstrndx) != 0 || !gelf_getshdr(scn, &sh))
        return "";
    const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
    return name ? name : "";
}

static int cmd_info_symbol(struct session *s, const char *args)
{
    struct symtab *st = session_symtab(s);
    addr_t addr;
    if (!args || !*args) {
        cmd_error(s, "Argument required (address).");
        return -1;
    }
    if (!parse_address(s, args, &addr))
        return -1;
    struct sym_info si;
    if (!st || !symtab_lookup_addr(st, addr, &si)) {
        out_printf(s, "No symbol matches %s.\n", args);
        return 0;
    }
    Dwfl_Module *mod = symtab_module_at(st, addr, NULL);
    out_printf(s, "%s", si.name);
    if (addr != si.addr)
        out_printf(s, " + %" PRIu64, addr - si.addr);
    out_printf(s, " in section %s", section_name(st, addr));
    /* gdb names the file once there is more than one (a live process). */
    if (mod && st->nmods > 1)
        out_printf(s, " of %s", symtab_module_path(mod));
    out_printf(s, "\n");
    json_str(s, "symbol", si.name);
    json_uint(s, "offset", addr - si.addr);
    json_uint(s, "addr", addr);
    return 0;
}

static int cmd_info_address(struct session *s, const char *args)
{
    struct symtab *st = session_symtab(s);
    char name[256];
    if (!args || sscanf(args, " %255s", name) != 1) {
        cmd_error(s, "Argument required.");
        return -1;
    }
    if (!st) {
        cmd_error(s, "No symbol table is loaded.  Use the \"file\" command.");
        return -1;
    }
    /* Locals of the selected frame first, as gdb resolves names. */
    struct rd_value v;
    struct frame *frames = NULL, *f = NULL;
    int n = 0;
    if (s->target && !s->target->running && s->symtab) {
        frames = calloc(RD_MAX_FRAMES, sizeof *frames);
        if (frames)
            n = unwind_thread(s->symtab, session_current_tid(s), frames, RD_MAX_FRAMES);
        if (n > s->cur_frame)
            f = &frames[s->cur_frame];
    }
    bool found = dwarf_lookup_variable(st, f, name, &v);
    free(frames);
    struct sym_info si;
    if (found) {
        switch (v.loc) {
        case VAL_MEMORY:
            out_printf(s, "Symbol \"%s\" is %s at address 0x%" PRIx64 ".\n", name,
                       symtab_lookup_name(st, name, &si) && si.addr == v.addr
                       ? "static storage" : "a variable", v.addr);
            json_uint(s, "addr", v.addr);
            break;
        case VAL_REGISTER:
            out_printf(s, "Symbol \"%s\" is a variable in $%s.\n", name, regno_name(v.regno));
            json_str(s, "register", regno_name(v.regno));
            break;
        case VAL_CONST:
            out_printf(s, "Symbol \"%s\" is constant.\n", name);
            break;
        default:
            out_printf(s, "Symbol \"%s\" is optimized out.\n", name);
            break;
        }
        return 0;
    }
    if (symtab_lookup_name(st, name, &si)) {
        Dwarf_Die fn;
        bool is_function = symtab_function_die(st, si.addr, &fn, NULL);
        if (!is_function) {
            Dwfl_Module *mod = symtab_module_at(st, si.addr, NULL);
            GElf_Sym sym;
            GElf_Off off;
            is_function = mod && dwfl_module_addrinfo(mod, si.addr, &off, &sym, NULL, NULL, NULL)
                          && GELF_ST_TYPE(sym.st_info) == STT_FUNC;
        }
        out_printf(s, "Symbol \"%s\" is %s at address 0x%" PRIx64 ".\n", name,
                   is_function ? "a function" : "static storage", si.addr);
        json_uint(s, "addr", si.addr);
        return 0;
    }
    cmd_error(s, "No symbol \"%s\" in current context.", name);
    return -1;
}

/* ---- info line ---- */

static void print_addr_sym(struct session *s, struct symtab *st, addr_t a)
{
    struct sym_info si;
    out_printf(s, "0x%" PRIx64, a);
    if (symtab_lookup_addr(st, a, &si)) {
        if (a == si.addr)
            out_printf(s, " <%s>", si.name);
        else
            out_printf(s, " <%s+%" PRIu64 ">", si.name, a - si.addr);
    }
}

static int info_line_at(struct session *s, struct symtab *st, addr_t addr)
{
    struct line_info li;
    char path[4096];
    addr_t start, end;
    if (!symtab_line_for_addr(st, addr, &li)
        || !symtab_line_details(st, addr, path, sizeof path, &start, &end)) {
        out_printf(s, "No line number information available for address ");
        print_addr_sym(s, st, addr);
        out_printf(s, "\n");
        return 0;
    }
    out_printf(s, "Line %d of \"%s\" starts at address ", li.line, li.file);
    print_addr_sym(s, st, start);
    out_printf(s, " and ends at ");
    print_addr_sym(s, st, end);
    out_printf(s, ".\n");
    json_str(s, "file", li.file);
    json_int(s, "line", li.line);
    json_uint(s, "start", start);
    json_uint(s, "end", end);
    return 0;
}

static int cmd_info_line(struct session *s, const char *args)
{
    struct symtab *st = session_symtab(s);
    char loc[512];
    if (!st) {
        cmd_error(s, "No symbol table is loaded.  Use the \"file\" command.");
        return -1;
    }
    if (!args || sscanf(args, " %511s", loc) != 1) {
        /* No argument: the selected frame's line. */
        int n;
        struct frame *frames = selected_thread_frames(s, &n);
        if (!frames)
            return -1;
        int rc = info_line_at(s, st, frame_lookup_pc(&frames[s->cur_frame < n ? s->cur_frame : 0]));
        free(frames);
        return rc;
    }
    if (loc[0] == '*') {
        addr_t a;
        if (!parse_address(s, loc + 1, &a))
            return -1;
        return info_line_at(s, st, a);
    }
    char *colon = strrchr(loc, ':');
    if (colon && isdigit((unsigned char)colon[1])) {
        *colon = '\0';
        int line = atoi(colon + 1);
        addr_t addrs[16];
        int n = symtab_addrs_for_line(st, loc, line, addrs, 16, NULL);
        if (n == 0) {
            cmd_error(s, "No line %d in file \"%s\".", line, loc);
            return -1;
        }
        return info_line_at(s, st, addrs[0]);
    }
    struct sym_info si;
    if (!symtab_lookup_name(st, loc, &si)) {
        cmd_error(s, "Function \"%s\" not defined.", loc);
        return -1;
    }
    return info_line_at(s, st, si.addr);
}

/* ---- info sharedlibrary ---- */

/* Bounds of a module's .text, as gdb shows them; false if it has none. */
static bool text_bounds(Dwfl_Module *mod, addr_t *lo, addr_t *hi)
{
    Dwarf_Addr bias;
    GElf_Shdr sh;
    if (!symtab_elf_section(dwfl_module_getelf(mod, &bias), ".text", false, NULL, &sh))
        return false;
    *lo = sh.sh_addr + bias;
    *hi = sh.sh_addr + sh.sh_size + bias;
    return true;
}

static int cmd_info_sharedlibrary(struct session *s, const char *args)
{
    struct symtab *st = s->target ? s->symtab : NULL;
    if (!st) {
        out_printf(s, "No shared libraries loaded at this time.\n");
        return 0;
    }
    symtab_refresh(st);
    bool header = false, missing = false;
    json_begin_array(s, "libraries");
    for (size_t i = 0; i < st->nmods; i++) {
        const struct rd_module *m = &st->mods[i];
        addr_t lo = m->lo, hi = m->hi;
        if (st->is_main[i] || m->name[0] != '/')
            continue;   /* the program itself and [vdso] are not shared libraries */
        if (!header) {
            out_printf(s, "From                To                  Syms Read   Shared Object Library\n");
            header = true;
        }
        text_bounds(st->dwmods[i], &lo, &hi);
        out_printf(s, "0x%016" PRIx64 "  0x%016" PRIx64 "  %-11s %s\n", lo, hi,
                   m->has_debuginfo ? "Yes" : "Yes (*)", m->name);
        missing |= !m->has_debuginfo;
        json_begin_object(s, NULL);
        json_str(s, "name", m->name);
        json_uint(s, "from", lo);
        json_uint(s, "to", hi);
        json_uint(s, "bias", m->bias);
        json_bool(s, "debuginfo", m->has_debuginfo);
        json_end_object(s);
    }
    json_end_array(s);
    if (!header)
        out_printf(s, "No shared libraries loaded at this time.\n");
    if (missing)
        out_printf(s, "(*): Shared library is missing debugging information.\n");
    return 0;
}

/* ---- info functions ---- */

struct function_match {
    struct session *s;
    struct symtab *st;
    regex_t *re;
    int count;
};

static void print_function_if_match(const char *name, void *arg)
{
    struct function_match *m = arg;
    struct sym_info si;
    if (m->re && regexec(m->re, name, 0, NULL, 0) != 0)
        return;
    if (!symtab_lookup_name(m->st, name, &si))
        return;
    Dwfl_Module *mod = symtab_module_at(m->st, si.addr, NULL);
    GElf_Sym sym;
    GElf_Off off;
    if (!mod || !dwfl_module_addrinfo(mod, si.addr, &off, &sym, NULL, NULL, NULL)
        || GELF_ST_TYPE(sym.st_info) != STT_FUNC)
        return;
    if (m->count++ == 0)
        out_printf(m->s, "\nNon-debugging symbols:\n");
    out_printf(m->s, "0x%016" PRIx64 "  %s\n", si.addr, name);
}

static int cmd_info_functions(struct session *s, const char *args)
{
    struct symtab *st = session_symtab(s);
    regex_t re;
    const char *pattern = args && *args ? args : NULL;
    if (!st) {
        cmd_error(s, "No symbol table is loaded.  Use the \"file\" command.");
        return -1;
    }
    if (pattern && regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0) {
        cmd_error(s, "Invalid regexp: %s", pattern);
        return -1;
    }
    if (pattern)
        out_printf(s, "All functions matching regular expression \"%s\":\n", pattern);
    else
        out_printf(s, "All defined functions:\n");
    struct function_match m = { s, st, pattern ? &re : NULL, 0 };
    symtab_complete(st, "", print_function_if_match, &m);
    json_int(s, "count", m.count);
    if (pattern)
        regfree(&re);
    return 0;
}

/* ---- registration ---- */

static const struct command symtab_commands[] = {
    { "backtrace", "bt where", "Print backtrace of all stack frames.",
      "backtrace [N | -N] [full]\n"
      "Print the stack of the selected thread, innermost frame first.  N: only the\n"
      "innermost N frames; -N: only the outermost N; full: also each frame's locals.",
      cmd_backtrace, NULL, false, false },
    { "frame", "f", "Select and print a stack frame.",
      "frame [N]\nSelect frame N (0 is the innermost) and print it; without N print the\n"
      "selected frame.",
      cmd_frame, NULL, false, false },
    { "up", NULL, "Select and print the frame that called this one.",
      "up [N]\nSelect the frame N levels up (towards main; default 1) and print it.",
      cmd_up, NULL, false, false },
    { "down", NULL, "Select and print the frame called by this one.",
      "down [N]\nSelect the frame N levels down (towards frame 0; default 1) and print it.",
      cmd_down, NULL, false, false },
    { "info frame", NULL, "All about the selected stack frame.",
      "info frame\nDescribe the selected frame: its canonical frame address, pc, caller,\n"
      "and where the return address is saved.",
      cmd_info_frame, NULL, false, false },
    { "info locals", NULL, "Local variables of the selected frame.",
      "info locals\nPrint each local variable of the selected frame, innermost scope first;\n"
      "\"<optimized out>\" where optimised code left it no value at the frame's pc.",
      cmd_info_locals, NULL, false, false },
    { "info args", NULL, "Argument variables of the selected frame.",
      "info args\nPrint each parameter of the selected frame's function as NAME = VALUE;\n"
      "\"<optimized out>\" where optimised code left it no value at the frame's pc.",
      cmd_info_args, NULL, false, false },
    { "info symbol", NULL, "Describe what symbol is at location ADDR.",
      "info symbol ADDR\nPrint the symbol containing address ADDR, its offset and section.",
      cmd_info_symbol, NULL, false, false },
    { "info address", NULL, "Describe where symbol SYM is stored.",
      "info address SYM\nSay where variable or function SYM lives: an address or a register.",
      cmd_info_address, NULL, false, false },
    { "info line", NULL, "Core addresses of the code for a source line.",
      "info line [FUNCTION | FILE:LINE | *ADDR]\nPrint the address range of the line table row for a location.",
      cmd_info_line, NULL, false, false },
    { "info sharedlibrary", "info dll", "Status of loaded shared object libraries.",
      "info sharedlibrary\nList the shared libraries of the target: .text bounds, whether\n"
      "debugging information was found, and the path.",
      cmd_info_sharedlibrary, NULL, false, false },
    { "info functions", NULL, "All function names, or those matching REGEXP.",
      "info functions [REGEXP]\nList functions (from the ELF symbol tables) whose names match\n"
      "the extended regular expression REGEXP.",
      cmd_info_functions, NULL, false, false },
};

void symtab_commands_init(void)
{
    for (size_t i = 0; i < sizeof symtab_commands / sizeof symtab_commands[0]; i++)
        cmd_register(&symtab_commands[i]);
}
