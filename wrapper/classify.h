/*
 * classify.h — the command-line rewriting of hotpath-cc, kept apart from
 * everything that touches processes, so that unit tests and the fuzz
 * target call it directly.
 *
 * hp_cc_rewrite() reads a compiler command line once, decides what kind of
 * invocation it is, and returns the command line to run:
 *
 *   kind          detected by                         what is added
 *   pass-through  no input file, or --version, -print-*, -dump*, --help
 *                                                     nothing
 *   preprocess    -E, -M, -MM (no -MD/-MMD alone)     plugin, include folder
 *   compile       -c, -S, -fsyntax-only               plugin and its include=/
 *                                                     exclude= (not for a build
 *                                                     system's probe, such as
 *                                                     conftest.c), include folder
 *   link          none of the above                   the same when a source is
 *                                                     compiled too, and the
 *                                                     runtime after everything
 *
 * The plugin is only added when an input is C or C++ (by extension or -x),
 * so assembling and linking of objects see no plugin flag and give no
 * "argument unused" warning; nor when the command line loads a hotpath
 * plugin itself (no second copy of it). Response files (@file) are read to classify,
 * and passed on unchanged.
 */
#ifndef HOTPATH_CC_CLASSIFY_H
#define HOTPATH_CC_CLASSIFY_H

enum hp_cc_kind { HP_CC_PASS, HP_CC_PREPROCESS, HP_CC_COMPILE, HP_CC_LINK };

/* What the wrapper knows about the compiler and hotpath's files. Every
 * string is borrowed for the call; NULL means "none". */
struct hp_cc_setup {
    const char *plugin;        /* -fplugin=<plugin> */
    const char *include_re;    /* the plugin's include=, or NULL */
    const char *exclude_re;    /* the plugin's exclude=, or NULL */
    const char *include_dir;   /* folder holding hotpath/hotpath.h */
    const char *runtime_so;    /* libhotpath.so, linked into every link */
    const char *runtime_dir;   /* RPATH for the shared runtime, or NULL */
    const char *sample;        /* the plugin's sample= (digits, checked), or NULL */
};

/* The classification alone, from the user's arguments (argv[0], the
 * compiler, excluded). Never fails. `has_source` is set when an input is C
 * or C++. */
struct hp_cc_class {
    enum hp_cc_kind kind;
    int has_source;
    int has_input;
    int is_static;      /* -static or -static-pie */
    int is_relocatable; /* -r: a partial link gets no runtime */
    int is_shared;      /* -shared: libhotpath.a's symbols are not exported (--exclude-libs) */
    int lang_at_end;    /* a -x other than "none" is still in effect */
    int has_plugin;     /* a hotpath plugin is given already (-fplugin=...hotpath...):
                           no second one, no include folder added */
    int is_probe;       /* a source is a build system's probe of the compiler
                           (conftest.c, CMake's try_compile...): no include=,
                           exclude= or sample= */
};
void hp_cc_classify(int argc, char **argv, struct hp_cc_class *out);

/* Builds the command line to exec: the compiler's words cmd[0..ncmd-1]
 * (a compiler may be "ccache gcc"), the flags that belong before the
 * user's arguments, the user's arguments argv[0..argc-1] and the link
 * flags after them. Returns a NULL-terminated array (its strings are the
 * caller's, setup's, or made here and freed by hp_cc_free), or NULL when
 * out of memory. `*kind` receives the kind. */
char **hp_cc_rewrite(char *const *cmd, int ncmd, int argc, char **argv,
                     const struct hp_cc_setup *setup, enum hp_cc_kind *kind);

/* Frees what hp_cc_rewrite returned (NULL is ignored). */
void hp_cc_free(char **v);

#endif
