/*
 * classify.c — what kind of compiler invocation a command line is, and the
 * command line hotpath-cc runs instead (see classify.h).
 */
#include "classify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---------------------------------------------------------------- options */

/* Options whose value is the next argument (GCC's and Clang's drivers). */
static const char *const SEPARATE[] = {
    "-o", "-x", "-I", "-L", "-l", "-D", "-U", "-u", "-T", "-e", "-z", "-A", "-G",
    "-include", "-imacros", "-isystem", "-idirafter", "-iprefix", "-iwithprefix",
    "-iwithprefixbefore", "-iquote", "-isysroot", "-iwithsysroot", "-imultilib",
    "-iplugindir", "-MF", "-MT", "-MQ", "-Xlinker", "-Xassembler", "-Xpreprocessor",
    "-Xclang", "-Xopenmp-target", "-mllvm", "-aux-info", "-dumpbase", "-dumpbase-ext",
    "-dumpdir", "--param", "-arch", "-target", "--target", "-wrapper", "-specs",
    "--sysroot", "-gcc-toolchain", "--gcc-toolchain", "-B", "-ivfsoverlay",
    "-cxx-isystem", "-resource-dir", "-serialize-diagnostics",
    "--serialize-diagnostics", "-working-directory", "-F", "-framework",
    "-install_name", "-rpath", "-main-file-name",
    "--output", "--language", "--include-directory", "--library-directory",
    "--define-macro", "--undefine-macro", "--include",
};

static int takes_value(const char *a) {
    for (size_t i = 0; i < sizeof SEPARATE / sizeof *SEPARATE; i++)
        if (strcmp(a, SEPARATE[i]) == 0)
            return 1;
    return 0;
}

static int starts(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Invocations that only ask the driver something. */
static int is_query(const char *a) {
    static const char *const exact[] = {"--version", "-dumpversion", "-dumpfullversion",
                                        "-dumpmachine", "-dumpspecs", "--help", "-qversion",
                                        "--target-help"};
    for (size_t i = 0; i < sizeof exact / sizeof *exact; i++)
        if (strcmp(a, exact[i]) == 0)
            return 1;
    return starts(a, "-print-") || starts(a, "--print-") || starts(a, "--help=");
}

/* Is a file with this name (and no -x) C or C++ source? The driver's own
 * list, less Objective-C and assembly: the plugins measure C and C++. */
static int is_source_name(const char *name) {
    static const char *const ext[] = {".c", ".i", ".cc", ".cp", ".cxx", ".cpp", ".CPP",
                                      ".c++", ".C", ".ii", ".h", ".hh", ".hpp", ".hxx",
                                      ".H", ".tcc", ".cppm", ".ixx"};
    const char *dot = strrchr(name, '.');
    const char *slash = strrchr(name, '/');
    if (!dot || (slash && dot < slash))
        return 0;
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++)
        if (strcmp(dot, ext[i]) == 0)
            return 1;
    return 0;
}

/* -x LANG: C or C++ (sources, headers, preprocessed). */
static int is_source_lang(const char *lang) {
    static const char *const langs[] = {"c", "c++", "c-header", "c++-header", "cpp-output",
                                        "c++-cpp-output", "c++-system-header",
                                        "c++-user-header"};
    for (size_t i = 0; i < sizeof langs / sizeof *langs; i++)
        if (strcmp(lang, langs[i]) == 0)
            return 1;
    return 0;
}

/* ---------------------------------------------------------- classification */

struct state {
    int any_E, any_M, any_S, any_c, any_syntax, any_query;
    const char *lang; /* the -x in effect, NULL for "by extension" */
    struct hp_cc_class *out;
};

static void classify_args(int argc, char **argv, struct state *st, int depth);

/* Splits a response file as GCC's libiberty does: white space separates,
 * quotes and backslashes escape. Returns the arguments through *argvp. */
static int read_response_file(const char *path, char ***argvp) {
    /* Regular files only: @/dev/stdin must not block, @/dev/zero not grow. */
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return -1;
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int n = 0, cap = 0;
    char **v = NULL;
    char *cur = NULL;
    size_t len = 0, curcap = 0;
    int c, quote = 0, in_arg = 0;
    for (;;) {
        c = fgetc(f);
        int end = c == EOF;
        if (!end && c == '\\' && quote != '\'') {
            c = fgetc(f);
            end = c == EOF;
            if (end)
                break;
            goto add;
        }
        if (!end && quote) {
            if (c == quote) {
                quote = 0;
                continue;
            }
            goto add;
        }
        if (!end && (c == '\'' || c == '"')) {
            quote = c;
            in_arg = 1;
            continue;
        }
        if (end || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            if (in_arg) {
                if (n + 1 >= cap) {
                    cap = cap ? 2 * cap : 16;
                    char **nv = realloc(v, (size_t)cap * sizeof *v);
                    if (!nv)
                        break;
                    v = nv;
                }
                v[n++] = cur ? cur : strdup("");
                cur = NULL;
                len = curcap = 0;
                in_arg = 0;
            }
            if (end)
                break;
            continue;
        }
    add:
        in_arg = 1;
        if (len + 2 > curcap) {
            curcap = curcap ? 2 * curcap : 32;
            char *nc = realloc(cur, curcap);
            if (!nc)
                break;
            cur = nc;
        }
        cur[len++] = (char)c;
        cur[len] = '\0';
    }
    free(cur);
    fclose(f);
    *argvp = v;
    return n;
}

/*
 * A build system's probe of the compiler: autoconf's conftest.c (and .cpp,
 * .cc...), CMake's compiler identification and the sources of its
 * try_compile and try_run projects (check_c_source_runs...), Meson's
 * checks. They get no function selection: a probe that runs measures
 * nothing, so it prints nothing, and the build system concludes what it
 * would without hotpath. gnulib's "whether perror matches strerror" (m4
 * 1.4.19) compares a conftest's stdout with its stderr: with include=.*
 * its report on stderr made configure answer "no" and build gnulib's
 * perror in the project's place.
 */
static int is_probe_name(const char *name) {
    const char *slash = strrchr(name, '/'), *base = slash ? slash + 1 : name;
    return starts(base, "conftest.") || starts(base, "CMakeCCompilerId") ||
           starts(base, "CMakeCXXCompilerId") || strstr(name, "CMakeFiles/CMakeTmp/") ||
           strstr(name, "CMakeFiles/CMakeScratch/") || strstr(name, "meson-private/");
}

static void input(struct state *st, const char *name) {
    st->out->has_input = 1;
    if (st->lang ? is_source_lang(st->lang) : is_source_name(name)) {
        st->out->has_source = 1;
        if (is_probe_name(name))
            st->out->is_probe = 1;
    }
}

static void classify_arg(int argc, char **argv, int *i, struct state *st, int depth) {
    const char *a = argv[*i];
    const char *next = *i + 1 < argc ? argv[*i + 1] : NULL;
    if (a[0] == '@' && a[1] && depth < 10) {
        char **sub = NULL;
        int n = read_response_file(a + 1, &sub);
        if (n >= 0) {
            classify_args(n, sub, st, depth + 1);
            for (int k = 0; k < n; k++)
                free(sub[k]);
            free(sub);
            return;
        }
        input(st, a); /* no such file: the driver takes it as a file name */
        return;
    }
    if (a[0] != '-' || strcmp(a, "-") == 0) {
        input(st, a);
        return;
    }
    if (starts(a, "-x")) {
        const char *lang = a[2] ? a + 2 : next;
        if (!a[2])
            (*i)++;
        st->lang = lang && strcmp(lang, "none") != 0 ? lang : NULL;
        return;
    }
    if (strcmp(a, "-E") == 0)
        st->any_E = 1;
    else if (strcmp(a, "-M") == 0 || strcmp(a, "-MM") == 0)
        st->any_M = 1;
    else if (strcmp(a, "-S") == 0)
        st->any_S = 1;
    else if (strcmp(a, "-c") == 0)
        st->any_c = 1;
    else if (strcmp(a, "-fsyntax-only") == 0)
        st->any_syntax = 1;
    else if (strcmp(a, "-static") == 0 || strcmp(a, "-static-pie") == 0)
        st->out->is_static = 1;
    else if (strcmp(a, "-r") == 0)
        st->out->is_relocatable = 1;
    else if (strcmp(a, "-shared") == 0)
        st->out->is_shared = 1;
    else if (starts(a, "-fplugin=") && strstr(a, "hotpath"))
        st->out->has_plugin = 1;
    else if (is_query(a))
        st->any_query = 1;
    else if (takes_value(a))
        (*i)++;
}

static void classify_args(int argc, char **argv, struct state *st, int depth) {
    for (int i = 0; i < argc; i++)
        classify_arg(argc, argv, &i, st, depth);
}

void hp_cc_classify(int argc, char **argv, struct hp_cc_class *out) {
    memset(out, 0, sizeof *out);
    struct state st = {0};
    st.out = out;
    classify_args(argc, argv, &st, 0);
    if (st.any_query || !out->has_input)
        out->kind = HP_CC_PASS;
    else if (st.any_E || st.any_M)
        out->kind = HP_CC_PREPROCESS;
    else if (st.any_S || st.any_c || st.any_syntax)
        out->kind = HP_CC_COMPILE;
    else
        out->kind = HP_CC_LINK;
    out->lang_at_end = st.lang != NULL;
}

/* ------------------------------------------------------------- rewriting */

static char *concat(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + lb + 1);
    if (s) {
        memcpy(s, a, la);
        memcpy(s + la, b, lb + 1);
    }
    return s;
}

char **hp_cc_rewrite(char *const *cmd, int ncmd, int argc, char **argv,
                     const struct hp_cc_setup *setup, enum hp_cc_kind *kind) {
    struct hp_cc_class c;
    hp_cc_classify(argc, argv, &c);
    *kind = c.kind;
    /* the compiler, 6 before, the user's, 6 after, NULL, then the strings
     * made here (at most 5) and NULL: hp_cc_free frees those. */
    char **v = calloc((size_t)(ncmd + argc) + 20, sizeof *v);
    if (!v)
        return NULL;
    char *own[5] = {NULL, NULL, NULL, NULL, NULL};
    int n = 0, nown = 0, failed = 0;
    for (int i = 0; i < ncmd; i++)
        v[n++] = cmd[i];
    if (c.kind != HP_CC_PASS && c.has_source && !c.has_plugin) {
        if (setup->plugin)
            failed |= !(v[n++] = own[nown++] = concat("-fplugin=", setup->plugin));
        /* Function selection only where code is generated: the
         * preprocessor has no use for it, and Clang would call it unused;
         * nor in a build system's probe (is_probe_name). */
        if (setup->plugin && c.kind != HP_CC_PREPROCESS && !c.is_probe) {
            if (setup->include_re)
                failed |= !(v[n++] = own[nown++] =
                                concat("-fplugin-arg-hotpath-include=", setup->include_re));
            if (setup->exclude_re)
                failed |= !(v[n++] = own[nown++] =
                                concat("-fplugin-arg-hotpath-exclude=", setup->exclude_re));
            if (setup->sample)
                failed |= !(v[n++] = own[nown++] =
                                concat("-fplugin-arg-hotpath-sample=", setup->sample));
        }
        /* After the system folders: never ahead of the project's own
         * headers, and never a -I/usr/include that reorders the system's. */
        if (setup->include_dir) {
            v[n++] = "-idirafter";
            v[n++] = (char *)setup->include_dir;
        }
    }
    for (int i = 0; i < argc; i++)
        v[n++] = argv[i];
    if (c.kind == HP_CC_LINK && !c.is_relocatable) {
        if (c.lang_at_end)
            v[n++] = "-xnone"; /* the runtime is a library, not a source */
        if (setup->runtime_so) {
            /* Always a DT_NEEDED, even under --as-needed: the runtime's
             * allocator must come before libc's in the lookup order. */
            v[n++] = "-Wl,--push-state,--no-as-needed";
            v[n++] = (char *)setup->runtime_so;
            v[n++] = "-Wl,--pop-state";
            if (setup->runtime_dir)
                failed |= !(v[n++] = own[nown++] = concat("-Wl,-rpath,", setup->runtime_dir));
        }
        /* A library that links libhotpath.a itself (a private copy of the
         * runtime, which hands its sites to the process's: copies.c)
         * exports none of its symbols: no malloc or hotpath_* of hotpath's
         * in the project's library. */
        if (c.is_shared)
            v[n++] = "-Wl,--exclude-libs,libhotpath.a";
    }
    v[n] = NULL;
    for (int i = 0; i < nown; i++)
        v[n + 1 + i] = own[i];
    if (failed) {
        hp_cc_free(v);
        return NULL;
    }
    return v;
}

void hp_cc_free(char **v) {
    if (!v)
        return;
    char **p = v;
    while (*p)
        p++;
    for (p++; *p; p++)
        free(*p);
    free(v);
}
