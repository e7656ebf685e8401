/*
 * sys.h — system calls made directly (private).
 *
 * A libc wrapper or the vDSO called once in a short process is a call
 * into pages the program may never have touched, and each first touch is
 * a page fault (about 10 us on this project's VM, docs/benchmarks.md
 * "Short processes"): more than the system call itself. On x86-64 the
 * calls below are made with the syscall instruction; elsewhere through
 * libc.
 */
#ifndef HOTPATH_SYS_H
#define HOTPATH_SYS_H

#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* 0, or -errno (x86-64) / -1 (elsewhere) */
static inline int hp_sys_clock_gettime(clockid_t id, struct timespec *ts) {
#if defined(__x86_64__)
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "0"((long)SYS_clock_gettime), "D"((long)id), "S"(ts)
                     : "rcx", "r11", "memory");
    return (int)ret;
#else
    return clock_gettime(id, ts);
#endif
}

#endif
