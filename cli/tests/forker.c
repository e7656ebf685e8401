/*
 * forker.c — the same work done by three processes or by one, for the
 * merge test of `hotpath report` (cli/tests/merge.py).
 *
 *   ./forker fork     the parent forks two children before any measured
 *                     call; each of the three processes does its share
 *   ./forker single   one process does all three shares
 *
 * Share k (0, 1, 2) calls work() 10 * (k + 1) times and leaf() twice per
 * work() call; every work() call allocates 100 * (k + 1) bytes. So the
 * calls, bytes and allocation counts of the three reports add up to those
 * of the single run, exactly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void *volatile sink;
static volatile unsigned spin;

__attribute__((annotate("hotpath"))) static void leaf(int n) {
    for (int i = 0; i < n * 100; i++)
        spin += (unsigned)i;
}

__attribute__((annotate("hotpath"))) static void work(int k) {
    sink = malloc(100 * (size_t)(k + 1));
    leaf(k + 1);
    leaf(k + 2);
    free(sink);
}

static void share(int k) {
    for (int i = 0; i < 10 * (k + 1); i++)
        work(k);
}

int main(int argc, char **argv) {
    if (argc != 2 || (strcmp(argv[1], "fork") && strcmp(argv[1], "single"))) {
        fprintf(stderr, "usage: forker fork|single\n");
        return 2;
    }
    if (strcmp(argv[1], "single") == 0) {
        for (int k = 0; k < 3; k++)
            share(k);
        return 0;
    }
    pid_t child[2];
    for (int c = 0; c < 2; c++) {
        fflush(stdout);
        child[c] = fork();
        if (child[c] < 0)
            return 1;
        if (child[c] == 0) {
            share(c + 1);
            exit(0); /* a normal exit: the child writes its own report */
        }
    }
    share(0);
    for (int c = 0; c < 2; c++) {
        int status;
        if (waitpid(child[c], &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
            return 1;
    }
    return 0;
}
