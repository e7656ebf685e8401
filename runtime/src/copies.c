/*
 * copies.c — one runtime per process, however many copies are loaded.
 *
 * A shared library that links libhotpath.a carries a copy of the runtime
 * of its own, its symbols often hidden by a version script: the process
 * then holds two (or more). Left alone, each would keep its own sites and
 * write its own report, the last one overwriting the other. So every copy
 * carries an ELF note (type HP_NOTE_TYPE, name "hotpath") holding the
 * offset from the note to the copy's anchor: notes are loaded and reachable
 * through dl_iterate_phdr whatever a version script hides. At start-up
 * each copy walks the loaded objects and takes as the process's runtime
 * (the primary) the copy of the main program if it has one, else that of
 * libhotpath.so, else the first in load order: every copy picks the same.
 *
 * A copy that is not the primary (a secondary) starts nothing: no report at
 * exit, no signal handlers, no thread; it never takes the hot path's fast
 * branch (hp_fast stays false), and its slow paths hand every call to the
 * primary's (enter_slow, exit_slow, hotpath_report in core.c), so the
 * primary's report holds the library's functions with the program's. Its
 * allocator hooks count nothing (tracking stays off in it): an allocation
 * that reaches them is not counted, none is counted twice. A primary of
 * another ABI is not handed anything: the secondary measures nothing and
 * says so in one line on stderr, naming its library.
 */
#define _GNU_SOURCE
#include "copies.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

#define HP_NOTE_TYPE 0x48505254u /* "HPRT" */
#define HP_COPY_MAGIC 0x68707274u

const struct hp_anchor *hp_primary;

struct hp_anchor hp_anchor = {
    .magic = HP_COPY_MAGIC,
    .abi = HP_COPY_ABI,
    .site_size = sizeof(struct hotpath_site),
#ifdef HOTPATH_SHARED_RUNTIME
    .shared = 1,
#endif
    .init = hp_runtime_init,
    .enter = hp_copy_enter,
    .exit = hp_copy_exit,
    .report = hp_copy_report,
    .before_exit = hp_copy_before_exit,
};

/* namesz, descsz, type, "hotpath\0", then the offset from that quad to
 * hp_anchor: resolved by the static linker (hp_anchor is hidden), so the
 * note needs no relocation at load time. */
__asm__(".pushsection .note.hotpath,\"a\",@note\n"
        ".balign 4\n"
        ".long 8\n"
        ".long 8\n"
        ".long 0x48505254\n"
        ".asciz \"hotpath\"\n"
        ".quad hp_anchor - .\n"
        ".popsection\n");

struct pick {
    const struct hp_anchor *best;
    int rank; /* 0 the main program's, 1 libhotpath.so's, 2 another library's */
    int index;
};

static void scan_notes(const char *p, const char *end, int rank, struct pick *pk) {
    while (p + sizeof(ElfW(Nhdr)) <= end) {
        ElfW(Nhdr) n;
        memcpy(&n, p, sizeof n);
        const char *name = p + sizeof n;
        const char *desc = name + ((n.n_namesz + 3) & ~3u);
        const char *next = desc + ((n.n_descsz + 3) & ~3u);
        if (next > end || next <= p)
            return;
        if (n.n_type == HP_NOTE_TYPE && n.n_namesz == 8 && n.n_descsz == 8 &&
            memcmp(name, "hotpath", 8) == 0) {
            int64_t off;
            memcpy(&off, desc, sizeof off);
            const struct hp_anchor *a = (const struct hp_anchor *)(desc + off);
            int r = a->shared && rank == 2 ? 1 : rank;
            if (a->magic == HP_COPY_MAGIC && (!pk->best || r < pk->rank)) {
                pk->best = a;
                pk->rank = r;
            }
        }
        p = next;
    }
}

static int visit(struct dl_phdr_info *info, size_t size, void *arg) {
    (void)size;
    struct pick *pk = arg;
    int rank = pk->index++ == 0 ? 0 : 2; /* the main program comes first */
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_NOTE)
            continue;
        const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr);
        scan_notes(p, p + ph->p_memsz, rank, pk);
    }
    return 0;
}

/* The library (or program) a copy lives in, for messages. */
static const char *object_of(const void *addr) {
    Dl_info di;
    if (dladdr(addr, &di) && di.dli_fname && di.dli_fname[0])
        return di.dli_fname;
    return "the main program";
}

bool hp_copies_find_primary(void) {
    struct pick pk = {NULL, 3, 0};
    dl_iterate_phdr(visit, &pk);
    if (!pk.best || pk.best == &hp_anchor)
        return false;
    if (pk.best->abi != HP_COPY_ABI || pk.best->site_size != sizeof(struct hotpath_site) ||
        !pk.best->enter || !pk.best->exit || !pk.best->report) {
        fprintf(stderr,
                "hotpath: %s carries a copy of the hotpath runtime (libhotpath.a) of another "
                "version than %s's: its functions are not measured. Link that library with "
                "libhotpath.so (hotpath-cc does) instead of libhotpath.a.\n",
                object_of(&hp_anchor), object_of(pk.best));
        hp_anchor.stepped_aside = 1;
        return true;
    }
    hp_primary = pk.best;
    if (hp_primary->init)
        hp_primary->init(); /* its constructor may not have run yet */
    return true;
}
