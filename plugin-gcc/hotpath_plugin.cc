/*
 * hotpath_plugin.cc — the hotpath GCC plugin: measures the functions a C or
 * C++ programmer tagged, by calling the hotpath runtime at their entry and
 * on every way out.
 *
 * Use:
 *   gcc -fplugin=hotpath [-fplugin-arg-hotpath-include=REGEX] file.c -lhotpath
 *
 * What it recognises on a function (declaration or definition):
 *   __attribute__((annotate("hotpath")))                 measure
 *   __attribute__((annotate("hotpath", "label")))        measure, named "label"
 *   __attribute__((annotate("hotpath::main", 50, 99.9))) the measured window
 *   [[hotpath::measure]], [[hotpath::measure("label")]], [[hotpath::main]],
 *   [[hotpath::main(50, 95, 99)]]                        C2x and C++11 spellings
 * A measure tag also takes "sample=N" (1 to 65535), before or after its
 * label: every call is counted, 1 call in N timed (the period goes into
 * bits 16..31 of the site's flags): [[hotpath::measure("sample=64")]],
 * [[hotpath::measure("db", "sample=64")]],
 * __attribute__((annotate("hotpath", "db", "sample=64"))).
 * hotpath::main also takes the options "alloc" (allocation tracking on) and
 * "alloc-cumulative" (on, counting callees' allocations) among its
 * percentiles, in any position: [[hotpath::main(95, "alloc")]].
 * An annotate attribute with any other string is accepted and ignored, as
 * Clang does. The plugin also defines __HOTPATH__ in every unit it compiles,
 * which turns on the macros of <hotpath/hotpath.h>.
 *
 * Arguments (-fplugin-arg-hotpath-NAME[=VALUE]):
 *   include=REGEX  also measure every function whose report name matches,
 *                  but leaf functions without loops below min-size
 *   exclude=REGEX  never measure a function whose report name matches
 *   min-size=N     the size, in statements, below which include= passes
 *                  over a loop-free leaf (default 40; 0: none)
 *   sample=N       time 1 call in N of every measured function that has no
 *                  "sample=N" of its own (1 to 65535)
 *   verbose[=yes|no]  list each measured function (a note at its file:line)
 *                  and each one include= passed over
 * They are parsed by plugin-common/plugin_args.c, shared with the Clang
 * plugin (one set of messages, plugin_args.def).
 *
 * The rewrite happens on GENERIC, before the front end hands the body to the
 * gimplifier (PLUGIN_PRE_GENERICIZE), so that the try/finally below gives
 * the exit call on each return, on falling off the end and, in C++, on an
 * exception passing through, at every optimisation level:
 *
 *   int f(int x) { if (x) return 1; return g(); }
 * becomes
 *   static struct hotpath_site __hotpath_site.0 =
 *       {"file::f", "file.c", 1, HOTPATH_KIND_FUNCTION, 0, 0, 0, {0, 0}};
 *   int f(int x) {
 *       uint64_t __hotpath_token = hotpath_enter(&__hotpath_site.0);
 *       try { if (x) return 1; return g(); }
 *       finally { hotpath_exit(&__hotpath_site.0, __hotpath_token); }
 *   }
 *
 * Report names: "<file stem>::<function>", qualified in C++ with its
 * namespaces and classes ("shapes::geo::Circle::area", constructors
 * "...::Circle::Circle", destructors "...::Circle::~Circle"), templates
 * without their arguments. A label replaces the whole name.
 */
#include "gcc-common.h"

#include "../plugin-common/plugin_args.h"

int plugin_is_GPL_compatible;

static struct plugin_info hotpath_plugin_info = {
    .version = "0.1.0",
    .help = "Measures functions tagged annotate(\"hotpath\"), [[hotpath::measure]] or\n"
            "[[hotpath::main]] with the hotpath runtime.\n"
            "  -fplugin-arg-hotpath-include=REGEX  measure every function whose name matches\n"
            "  -fplugin-arg-hotpath-exclude=REGEX  never measure a function whose name matches\n"
            "  -fplugin-arg-hotpath-min-size=N     include= skips loop-free leaf functions of\n"
            "                                      fewer than N statements (default 40; 0: none)\n"
            "  -fplugin-arg-hotpath-sample=N       time 1 call in N of each measured function\n"
            "                                      without a \"sample=N\" of its own (1-65535)\n"
            "  -fplugin-arg-hotpath-verbose[=yes|no]  list the functions measured\n",
};

/* ======================================================================== */
/* Options and per-unit state                                               */
/* ======================================================================== */

static const char *plugin_name = "hotpath";
static bool verbose;
static bool has_include, has_exclude;
/* include= skips leaf functions without loops smaller than this (in
 * statements, see body_size); 0 measures every function it matches. */
#define HP_DEFAULT_MIN_SIZE 40
static unsigned long min_size = HP_DEFAULT_MIN_SIZE;
/* sample=N: the period of every measured function without its own. */
static unsigned sample_default;
/* How plugin_args.c spells this plugin's arguments (prefix set from the
 * plugin's name in plugin_init). */
static struct hp_args_dialect gcc_dialect = {"-fplugin-arg-hotpath-", "statements",
                                             HP_DEFAULT_MIN_SIZE};
static regex_t include_re, exclude_re;

/* The runtime's ABI (runtime/include/hotpath/hotpath.h). */
enum hp_kind { HP_NONE = -1, HP_KIND_FUNCTION = 0, HP_KIND_MAIN = 2 };
#define HP_FLAG_ALLOC 1u            /* HOTPATH_FLAG_ALLOC */
#define HP_FLAG_ALLOC_CUMULATIVE 2u /* HOTPATH_FLAG_ALLOC_CUMULATIVE */
#define HP_SITE_SIZE 56
#define HP_MAX_PERCENTILES 16 /* the runtime's limit: HP_MAX_PERCENTILES, runtime/src/config.h */

/* Trees kept across functions: garbage-collector roots (see plugin_init). */
static tree site_type;
static tree enter_decl;
static tree exit_decl;
static tree main_fndecl; /* the unit's hotpath::main, once seen */
static tree site_fields[8];
static unsigned site_count;
/* Tagged function declarations written in the main file, without a body
 * when seen (TREE_LIST of decls; their locations in undefined_locs). */
static tree undefined_tags;
static auto_vec<location_t> undefined_locs;
/* Definitions that had a tag when their body was seen. */
static hash_set<tree> tagged_definitions;

static const struct ggc_root_tab hotpath_roots[] = {
    {&site_type, 1, sizeof(tree), &gt_ggc_mx_tree_node, &gt_pch_nx_tree_node},
    {&enter_decl, 1, sizeof(tree), &gt_ggc_mx_tree_node, &gt_pch_nx_tree_node},
    {&exit_decl, 1, sizeof(tree), &gt_ggc_mx_tree_node, &gt_pch_nx_tree_node},
    {&main_fndecl, 1, sizeof(tree), &gt_ggc_mx_tree_node, &gt_pch_nx_tree_node},
    {&site_fields[0], 8, sizeof(tree), &gt_ggc_mx_tree_node, &gt_pch_nx_tree_node},
    {&undefined_tags, 1, sizeof(tree), &gt_ggc_mx_tree_node, &gt_pch_nx_tree_node},
    LAST_GGC_ROOT_TAB,
};

/* ======================================================================== */
/* Reading the tags                                                         */
/* ======================================================================== */

/* What a function's attributes ask for. */
struct hp_tag {
    enum hp_kind kind;
    tree label;     /* STRING_CST, or NULL_TREE */
    tree main_args; /* TREE_LIST of percentiles and option strings (main only) */
    const char *spelling;
    unsigned sample; /* "sample=N" of a measure tag; 0: none */
};

static tree strip(tree t) {
    if (!t)
        return t;
    t = tree_strip_any_location_wrapper(t);
    STRIP_NOPS(t);
    if (!CONSTANT_CLASS_P(t) && TREE_CODE(t) != ADDR_EXPR)
        t = fold(t);
    if (TREE_CODE(t) == ADDR_EXPR && TREE_CODE(TREE_OPERAND(t, 0)) == STRING_CST)
        t = TREE_OPERAND(t, 0);
    return t;
}

static location_t arg_location(tree arg, location_t fallback) {
    return EXPR_LOCATION_WRAPPER_P(arg) || EXPR_P(arg) ? EXPR_LOC_OR_LOC(arg, fallback) : fallback;
}

/* The value of a percentile argument, or false with an error. */
static bool percentile_value(tree arg, double *out, location_t loc, const char *spelling) {
    loc = arg_location(arg, loc);
    tree v = strip(arg);
    if (TREE_CODE(v) == INTEGER_CST && tree_fits_shwi_p(v)) {
        *out = (double)tree_to_shwi(v);
    } else if (TREE_CODE(v) == REAL_CST) {
        char buf[64];
        real_to_decimal(buf, TREE_REAL_CST_PTR(v), sizeof buf, 0, 1);
        *out = strtod(buf, NULL);
    } else {
        error_at(loc, "percentile given to %qs is not a number", spelling);
        return false;
    }
    if (!(*out >= 0.0 && *out <= 100.0)) {
        char shown[64];
        snprintf(shown, sizeof shown, "%g", *out);
        error_at(loc, "percentile %qs given to %qs is outside 0-100", shown, spelling);
        return false;
    }
    return true;
}

/* The text of a narrow string literal argument ("..." or u8"..."), or NULL
 * for anything else (a wide string among them). */
static const char *string_arg(tree arg) {
    tree v = strip(arg);
    if (TREE_CODE(v) != STRING_CST || !TREE_TYPE(v) || !TREE_TYPE(TREE_TYPE(v)) ||
        TYPE_PRECISION(TREE_TYPE(TREE_TYPE(v))) != TYPE_PRECISION(char_type_node))
        return NULL;
    return TREE_STRING_POINTER(v);
}

/* A label is a non-empty narrow string literal (UTF-8 ones too, as Clang
 * takes them): its bytes become the report's row name. */
static bool check_label(tree arg, location_t loc, const char *spelling) {
    loc = arg_location(arg, loc);
    const char *text = string_arg(arg);
    if (TREE_CODE(strip(arg)) != STRING_CST)
        error_at(loc, "label given to %qs must be a string literal", spelling);
    else if (!text)
        error_at(loc,
                 "label given to %qs is a wide string literal: use a narrow (%<\"...\"%>) "
                 "or UTF-8 (%<u8\"...\"%>) one",
                 spelling);
    else if (!*text)
        error_at(loc, "label given to %qs is empty: give the report row a name, or no label",
                 spelling);
    else
        return true;
    return false;
}

/* The site flags an option of hotpath::main asks for; 0 for an unknown one. */
static unsigned main_option_flags(const char *option) {
    if (!strcmp(option, "alloc"))
        return HP_FLAG_ALLOC;
    if (!strcmp(option, "alloc-cumulative"))
        return HP_FLAG_ALLOC | HP_FLAG_ALLOC_CUMULATIVE;
    return 0;
}

/* The site flags the options of a hotpath::main ask for (HOTPATH_FLAG_*). */
static unsigned main_flags(tree args) {
    unsigned flags = 0;
    for (tree a = args; a; a = TREE_CHAIN(a))
        if (const char *option = string_arg(TREE_VALUE(a)))
            flags |= main_option_flags(option);
    return flags;
}

/* The arguments of hotpath::main: percentiles and options, in any order. */
static bool check_main_args(tree args, location_t loc, const char *spelling) {
    bool ok = true;
    double v;
    int percentiles = 0;
    for (tree a = args; a; a = TREE_CHAIN(a)) {
        const char *option = string_arg(TREE_VALUE(a));
        char msg[512];
        unsigned n;
        if (hp_args_sample_option(option, spelling, 1, &n, msg, sizeof msg) != HP_ARGS_NOT_SAMPLE) {
            error_at(arg_location(TREE_VALUE(a), loc), "%s", msg);
            ok = false;
        } else if (!option && ++percentiles == HP_MAX_PERCENTILES + 1) {
            error_at(arg_location(TREE_VALUE(a), loc),
                     "too many percentiles given to %qs: at most %d are accepted", spelling,
                     HP_MAX_PERCENTILES);
            ok = false;
        } else if (!option) {
            ok &= percentile_value(TREE_VALUE(a), &v, loc, spelling);
        } else if (!main_option_flags(option)) {
            error_at(arg_location(TREE_VALUE(a), loc),
                     "unknown option %qs given to %qs (accepted: %<alloc%>, "
                     "%<alloc-cumulative%> or a percentile from 0 to 100)",
                     option, spelling);
            ok = false;
        }
    }
    return ok;
}

/*
 * The arguments of a measure tag (after "hotpath" in annotate): a label
 * and a "sample=N", each at most once, in either order. An option of
 * hotpath::main there is named as such. Without diagnose (the attribute
 * was checked when it was added), only reads them.
 */
static bool read_measure_args(tree args, struct hp_tag *tag, bool diagnose, location_t loc,
                              const char *main_spelling) {
    /* after the first argument (a label that reads like an option is one) */
    for (tree a = args ? TREE_CHAIN(args) : NULL_TREE; a && diagnose; a = TREE_CHAIN(a)) {
        const char *text = string_arg(TREE_VALUE(a));
        if (text && main_option_flags(text)) {
            error_at(arg_location(TREE_VALUE(a), loc),
                     "%qs is an option of %qs, not of %qs, which takes at most one label", text,
                     main_spelling, tag->spelling);
            return false;
        }
    }
    for (tree a = args; a; a = TREE_CHAIN(a)) {
        if (TREE_VALUE(a) == error_mark_node)
            return false; /* the front end has said what is wrong */
        location_t at = arg_location(TREE_VALUE(a), loc);
        const char *text = string_arg(TREE_VALUE(a));
        char msg[512];
        unsigned n = 0;
        enum hp_args_status st =
            hp_args_sample_option(text, tag->spelling, 0, &n, msg, sizeof msg);
        if (st == HP_ARGS_OK && tag->sample)
            st = hp_args_message(HP_ARGS_SAMPLE_TWICE, tag->spelling, NULL, NULL, msg, sizeof msg);
        if (st != HP_ARGS_NOT_SAMPLE) {
            if (st != HP_ARGS_OK) {
                if (diagnose)
                    error_at(at, "%s", msg);
                return false;
            }
            tag->sample = n;
            continue;
        }
        if (!diagnose) {
            tag->label = tag->label ? tag->label : TREE_VALUE(a);
            continue;
        }
        if (tag->label) {
            if (!strncmp(tag->spelling, "annotate", 8))
                error_at(at, "%qs takes at most one label and one \"sample=N\"", tag->spelling);
            else
                error_at(at,
                         "wrong number of arguments to %qs: it takes at most one label and one "
                         "\"sample=N\"",
                         tag->spelling);
            return false;
        }
        if (!check_label(TREE_VALUE(a), loc, tag->spelling))
            return false;
        tag->label = TREE_VALUE(a);
    }
    return true;
}

/*
 * Reads one attribute (namespace ns, may be NULL for GNU ones) into tag.
 * With diagnose, misuse is reported at loc and false returned.
 */
static bool read_attribute(const char *ns, const char *name, tree args, struct hp_tag *tag,
                           bool diagnose, location_t loc) {
    tag->kind = HP_NONE;
    tag->label = tag->main_args = NULL_TREE;
    tag->sample = 0;
    if (ns && !strcmp(ns, "hotpath")) {
        if (!strcmp(name, "measure")) {
            tag->kind = HP_KIND_FUNCTION;
            tag->spelling = "hotpath::measure";
            return read_measure_args(args, tag, diagnose, loc, "hotpath::main") || !diagnose;
        }
        if (!strcmp(name, "main")) {
            tag->kind = HP_KIND_MAIN;
            tag->spelling = "hotpath::main";
            tag->main_args = args;
            return !diagnose || check_main_args(args, loc, tag->spelling);
        }
        return true;
    }
    if ((ns && strcmp(ns, "gnu")) || strcmp(name, "annotate") || !args)
        return true;
    tree first = strip(TREE_VALUE(args));
    if (TREE_CODE(first) != STRING_CST) {
        if (diagnose)
            error_at(arg_location(TREE_VALUE(args), loc),
                     "%<annotate%> attribute requires a string literal as its first argument");
        return !diagnose;
    }
    const char *what = TREE_STRING_POINTER(first);
    if (!strcmp(what, "hotpath")) {
        tag->kind = HP_KIND_FUNCTION;
        tag->spelling = "annotate(\"hotpath\")";
        return read_measure_args(TREE_CHAIN(args), tag, diagnose, loc,
                                 "annotate(\"hotpath::main\")") ||
               !diagnose;
    }
    if (!strcmp(what, "hotpath::main")) {
        tag->kind = HP_KIND_MAIN;
        tag->spelling = "annotate(\"hotpath::main\")";
        tag->main_args = TREE_CHAIN(args);
        return !diagnose || check_main_args(tag->main_args, loc, tag->spelling);
    }
    return true; /* somebody else's annotation */
}

/* The hotpath tag of a function, from its (already checked) attributes. The
 * options of every hotpath::main on its declarations add up (flags). */
static struct hp_tag function_tag(tree fndecl, unsigned *flags) {
    struct hp_tag tag = {HP_NONE, NULL_TREE, NULL_TREE, NULL, 0}, t;
    unsigned sample = 0;
    *flags = 0;
    for (tree a = DECL_ATTRIBUTES(fndecl); a; a = TREE_CHAIN(a)) {
        tree ns = get_attribute_namespace(a);
        const char *nsname = ns ? IDENTIFIER_POINTER(ns) : NULL;
        read_attribute(nsname, IDENTIFIER_POINTER(get_attribute_name(a)), TREE_VALUE(a), &t, false,
                       UNKNOWN_LOCATION);
        if (t.kind == HP_KIND_MAIN)
            *flags |= main_flags(t.main_args);
        if (t.kind == HP_KIND_FUNCTION && t.sample)
            sample = t.sample;
        /* main wins over measure; a labelled measure over a plain one */
        if (t.kind == HP_KIND_MAIN || (t.kind != HP_NONE && tag.kind == HP_NONE) ||
            (t.kind == tag.kind && t.label && !tag.label))
            tag = t;
    }
    tag.sample = tag.kind == HP_KIND_FUNCTION ? sample : 0;
    return tag;
}

/* ======================================================================== */
/* Attribute handlers                                                       */
/* ======================================================================== */

/* Where to report an attribute on node: a declaration, or the declaration
 * of a type (C applies type attributes only at the closing brace). */
static location_t node_location(tree node) {
    tree decl = node;
    if (TYPE_P(node))
        decl = TYPE_STUB_DECL(node) ? TYPE_STUB_DECL(node) : TYPE_NAME(node);
    if (decl && DECL_P(decl) && DECL_SOURCE_LOCATION(decl) > BUILTINS_LOCATION)
        return DECL_SOURCE_LOCATION(decl);
    return input_location;
}

/* The tag the handler last put on a function declaration (its name and
 * where it is written), for on_finish_decl to judge once the declaration
 * has been merged with the earlier ones. */
static tree pending_name;
static location_t pending_loc;
static const char *pending_spelling;

static tree handle_tag(tree *node, const char *ns, tree name, tree args, bool *no_add_attrs) {
    struct hp_tag tag;
    location_t loc = node_location(*node);
    bool ok = read_attribute(ns, IDENTIFIER_POINTER(name), args, &tag, true, loc);
    if (ok && tag.kind == HP_NONE) {
        *no_add_attrs = true; /* annotate for another tool: accepted, ignored */
        return NULL_TREE;
    }
    if (ok && TREE_CODE(*node) != FUNCTION_DECL) {
        if (DECL_P(*node))
            error_at(loc, "%qs attribute only applies to functions, not to %qD", tag.spelling,
                     *node);
        else
            error_at(loc, "%qs attribute only applies to functions, not to types", tag.spelling);
        ok = false;
    }
    if (!ok) {
        *no_add_attrs = true;
    } else {
        pending_name = DECL_NAME(*node);
        pending_loc = loc;
        pending_spelling = tag.spelling;
    }
    return NULL_TREE;
}

static tree handle_annotate(tree *node, tree name, tree args, int, bool *no_add_attrs) {
    return handle_tag(node, NULL, name, args, no_add_attrs);
}

static tree handle_hotpath_ns(tree *node, tree name, tree args, int, bool *no_add_attrs) {
    return handle_tag(node, "hotpath", name, args, no_add_attrs);
}

static struct attribute_spec annotate_spec[] = {
    {"annotate", 1, -1, false, false, false, false, handle_annotate, NULL},
    {NULL, 0, 0, false, false, false, false, NULL, NULL},
};
static struct attribute_spec measure_spec[] = {
    /* at most one label, checked by the handler (to name a misplaced option) */
    {"measure", 0, -1, false, false, false, false, handle_hotpath_ns, NULL},
    {NULL, 0, 0, false, false, false, false, NULL, NULL},
};
static struct attribute_spec main_spec[] = {
    {"main", 0, -1, false, false, false, false, handle_hotpath_ns, NULL},
    {NULL, 0, 0, false, false, false, false, NULL, NULL},
};

/*
 * Registers one attribute unless it exists. -Wno-attributes=hotpath::measure
 * (which a build shared with non-plugin compiles may carry) registers a
 * placeholder that ignores the attribute; registering again would trip an
 * assertion in GCC, so the placeholder is given our definition instead.
 */
static void register_once(const char *ns, struct attribute_spec *spec) {
    const struct attribute_spec *old = hp_lookup_attribute_spec(ns, spec->name);
    if (old) {
        if (old->max_length == -2)
            *const_cast<struct attribute_spec *>(old) = spec[0];
        else if (verbose)
            inform(UNKNOWN_LOCATION, "hotpath: attribute %qs already defined; using it",
                   spec->name);
        return;
    }
    if (ns)
        register_scoped_attributes(spec, ns, false);
    else
        register_attribute(spec);
}

static void on_attributes(void *, void *) {
    register_once(NULL, annotate_spec);
    register_once("hotpath", measure_spec);
    register_once("hotpath", main_spec);
}

/*
 * Where the front ends drop an attribute without asking its handler (on a
 * statement, or where it would appertain to a type), they only warn under
 * -Wattributes. For a hotpath attribute that is a user error: the warning
 * becomes an error at the same place. Whether the dropped attribute is ours
 * is read from the source text at the spelling location of the warning,
 * which is the attribute specifier ("[[hotpath::measure]]").
 */
static diagnostic_starter_fn original_starter;

static bool names_hotpath(location_t loc) {
    loc = linemap_resolve_location(line_table, loc, LRK_SPELLING_LOCATION, NULL);
    expanded_location x = expand_location(loc);
    if (!x.file || x.line <= 0 || x.column <= 0)
        return false;
    char_span line = location_get_source_line(x.file, x.line);
    if (!line || (size_t)x.column > line.length())
        return false;
    const char *s = line.get_buffer() + x.column - 1;
    size_t n = line.length() - (x.column - 1);
    /* up to the end of the specifier: "]]" for [[...]], else the ')' that
     * closes this GNU attribute's arguments */
    bool bracketed = n >= 2 && s[0] == '[' && s[1] == '[';
    for (size_t i = 0; i + 7 <= n; i++) {
        if (bracketed ? s[i] == ']' && s[i + 1] == ']' : s[i] == ')')
            return false;
        if (!memcmp(s + i, "hotpath", 7))
            return true;
    }
    return false;
}

static void hotpath_starter(diagnostic_context *dc, diagnostic_info *d) {
    if (d->kind == DK_WARNING && d->option_index == OPT_Wattributes &&
        names_hotpath(diagnostic_location(d))) {
        diagnostic_kind_count(dc, DK_WARNING)--;
        diagnostic_kind_count(dc, DK_ERROR)++;
        d->kind = DK_ERROR;
        d->option_index = 0;
    }
    original_starter(dc, d);
}

static void make_dropped_attributes_errors(void) {
    if (original_starter)
        return;
    original_starter = diagnostic_starter(global_dc);
    diagnostic_starter(global_dc) = hotpath_starter;
}

/* ======================================================================== */
/* __HOTPATH__                                                              */
/* ======================================================================== */

/*
 * PLUGIN_PRAGMAS fires from the C family's init, after the main file is
 * open and before the built-in and command-line macros are defined, both
 * when compiling and under -E (so -save-temps and ccache see it too). The
 * debug-info hook is not set up yet at that point (-g3), so the definition
 * bypasses it; it is a built-in-like macro, not one of the user's, and
 * -U__HOTPATH__ on the command line still undefines it.
 */
static void on_pragmas(void *, void *) {
    make_dropped_attributes_errors(); /* the front end's starter is set by now */
    /* A preprocessed unit (-save-temps, ccache) had it defined by its -E. */
    if (!parse_in || cpp_get_options(parse_in)->preprocessed)
        return;
    struct cpp_callbacks *cb = cpp_get_callbacks(parse_in);
    auto saved_define = cb->define;
    cb->define = NULL;
    cpp_force_token_locations(parse_in, BUILTINS_LOCATION);
    cpp_define(parse_in, "__HOTPATH__=1");
    cpp_stop_forcing_token_locations(parse_in);
    cb->define = saved_define;
}

/* ======================================================================== */
/* Report names                                                             */
/* ======================================================================== */

static const char *type_name(tree type) {
    tree n = TYPE_NAME(TYPE_MAIN_VARIANT(type));
    if (n && TREE_CODE(n) == TYPE_DECL)
        n = DECL_NAME(n);
    if (!n || TREE_CODE(n) != IDENTIFIER_NODE || IDENTIFIER_ANON_P(n))
        return "{anonymous}";
    return IDENTIFIER_POINTER(n);
}

static const char *function_name(tree fndecl) {
    if (DECL_CXX_CONSTRUCTOR_P(fndecl) && DECL_CONTEXT(fndecl) && TYPE_P(DECL_CONTEXT(fndecl)))
        return type_name(DECL_CONTEXT(fndecl));
    if (DECL_CXX_DESTRUCTOR_P(fndecl) && DECL_CONTEXT(fndecl) && TYPE_P(DECL_CONTEXT(fndecl)))
        return ggc_strdup(concat("~", type_name(DECL_CONTEXT(fndecl)), NULL));
    return DECL_NAME(fndecl) ? IDENTIFIER_POINTER(DECL_NAME(fndecl)) : "{anonymous}";
}

/* "stem::ns::Class::function" (not counting labels); xfree the result. */
static char *report_name(tree fndecl) {
    auto_vec<const char *, 8> parts;
    parts.safe_push(function_name(fndecl));
    for (tree ctx = DECL_CONTEXT(fndecl); ctx;) {
        if (TREE_CODE(ctx) == TRANSLATION_UNIT_DECL)
            break;
        if (TYPE_P(ctx)) {
            parts.safe_push(type_name(ctx));
            ctx = TYPE_CONTEXT(ctx);
        } else if (TREE_CODE(ctx) == NAMESPACE_DECL) {
            tree n = DECL_NAME(ctx), up = DECL_CONTEXT(ctx);
            if (n && !strcmp(IDENTIFIER_POINTER(n), "::"))
                break; /* C++'s global namespace */
            parts.safe_push(n && !IDENTIFIER_ANON_P(n) ? IDENTIFIER_POINTER(n) : "{anonymous}");
            ctx = up;
        } else if (TREE_CODE(ctx) == FUNCTION_DECL) {
            parts.safe_push(function_name(ctx));
            ctx = DECL_CONTEXT(ctx);
        } else if (TREE_CODE(ctx) == BLOCK) {
            ctx = BLOCK_SUPERCONTEXT(ctx);
        } else {
            break;
        }
    }
    const char *file = lbasename(DECL_SOURCE_FILE(fndecl) ? DECL_SOURCE_FILE(fndecl) : "");
    const char *dot = strrchr(file, '.');
    size_t stem = dot && dot != file ? (size_t)(dot - file) : strlen(file), len = stem;
    for (const char *p : parts)
        len += 2 + strlen(p);
    char *out = XNEWVEC(char, len + 1), *w = out;
    memcpy(w, file, stem);
    w += stem;
    for (int i = parts.length() - 1; i >= 0; i--) {
        size_t n = strlen(parts[i]);
        memcpy(w, "::", 2);
        memcpy(w + 2, parts[i], n);
        w += 2 + n;
    }
    *w = '\0';
    return out;
}

/* The runtime's own functions, which must never measure themselves. */
static bool is_runtime_function(tree fndecl, const char *name) {
    const char *id = DECL_NAME(fndecl) ? IDENTIFIER_POINTER(DECL_NAME(fndecl)) : "";
    const char *qualified = strstr(name, "::");
    return !strncmp(id, "hotpath_", 8) || (qualified && !strncmp(qualified, "::hotpath::", 11));
}

/* ======================================================================== */
/* The ABI: site type, runtime declarations, site descriptors              */
/* ======================================================================== */

static tree const_char_ptr_type(void) {
    return build_pointer_type(build_qualified_type(char_type_node, TYPE_QUAL_CONST));
}

static void build_abi(void) {
    if (site_type)
        return;
    static const char *const names[8] = {"name", "file",  "line",        "kind",
                                         "id",   "flags", "percentiles", "reserved"};
    tree types[8] = {const_char_ptr_type(), const_char_ptr_type(),
                     uint32_type_node,      uint32_type_node,
                     uint32_type_node,      uint32_type_node,
                     const_char_ptr_type(), build_array_type_nelts(uint64_type_node, 2)};
    tree chain = NULL_TREE;
    for (int i = 0; i < 8; i++) {
        site_fields[i] =
            build_decl(BUILTINS_LOCATION, FIELD_DECL, get_identifier(names[i]), types[i]);
        DECL_CHAIN(site_fields[i]) = chain; /* finish_builtin_struct reverses the chain */
        chain = site_fields[i];
    }
    site_type = make_node(RECORD_TYPE);
    finish_builtin_struct(site_type, "hotpath_site", chain, NULL_TREE);
    gcc_assert(POINTER_SIZE != 64 || tree_to_uhwi(TYPE_SIZE_UNIT(site_type)) == HP_SITE_SIZE);

    tree site_ptr = build_pointer_type(site_type);
    enter_decl = build_fn_decl("hotpath_enter",
                               build_function_type_list(uint64_type_node, site_ptr, NULL_TREE));
    exit_decl =
        build_fn_decl("hotpath_exit", build_function_type_list(void_type_node, site_ptr,
                                                               uint64_type_node, NULL_TREE));
    for (tree d : {enter_decl, exit_decl}) {
        /* C names even in C++ units; nothrow, so no landing pads around them */
        SET_DECL_ASSEMBLER_NAME(d, DECL_NAME(d));
        TREE_NOTHROW(d) = 1;
        DECL_ARTIFICIAL(d) = 1;
        DECL_ATTRIBUTES(d) = tree_cons(get_identifier("nothrow"), NULL_TREE, NULL_TREE);
    }
    DECL_ATTRIBUTES(exit_decl) =
        tree_cons(get_identifier("leaf"), NULL_TREE, DECL_ATTRIBUTES(exit_decl));
}

static tree string_ptr(const char *s) {
    if (!s)
        return build_int_cst(const_char_ptr_type(), 0);
    return fold_convert(const_char_ptr_type(), build_string_literal(strlen(s) + 1, s));
}

/* "50,95,99.9" from the numbers of a hotpath::main, or NULL for none. */
static char *percentile_list(tree args) {
    char *out = XNEWVEC(char, 32 * list_length(args) + 1), *w = out;
    *w = '\0';
    for (tree a = args; a; a = TREE_CHAIN(a)) {
        double v = 0;
        if (string_arg(TREE_VALUE(a)))
            continue; /* an option */
        percentile_value(TREE_VALUE(a), &v, UNKNOWN_LOCATION, "");
        w += sprintf(w, "%s%.10g", w == out ? "" : ",", v);
    }
    if (w == out) {
        XDELETEVEC(out);
        return NULL;
    }
    return out;
}

/* One static, writable struct hotpath_site for fndecl. */
static tree build_site(tree fndecl, const char *name, enum hp_kind kind, const char *percentiles,
                       unsigned flags) {
    char id[48];
    snprintf(id, sizeof id, "__hotpath_site.%u", site_count++);
    location_t loc = DECL_SOURCE_LOCATION(fndecl);
    tree var = build_decl(loc, VAR_DECL, get_identifier(id), site_type);
    TREE_STATIC(var) = 1;
    TREE_PUBLIC(var) = 0;
    DECL_ARTIFICIAL(var) = 1;
    DECL_IGNORED_P(var) = 1;
    TREE_USED(var) = 1;
    TREE_ADDRESSABLE(var) = 1;

    vec<constructor_elt, va_gc> *v = NULL;
    CONSTRUCTOR_APPEND_ELT(v, site_fields[0], string_ptr(name));
    CONSTRUCTOR_APPEND_ELT(v, site_fields[1], string_ptr(DECL_SOURCE_FILE(fndecl)));
    CONSTRUCTOR_APPEND_ELT(v, site_fields[2],
                           build_int_cst(uint32_type_node, DECL_SOURCE_LINE(fndecl)));
    CONSTRUCTOR_APPEND_ELT(v, site_fields[3], build_int_cst(uint32_type_node, kind));
    CONSTRUCTOR_APPEND_ELT(v, site_fields[5], build_int_cst(uint32_type_node, flags));
    CONSTRUCTOR_APPEND_ELT(v, site_fields[6], string_ptr(percentiles));
    tree init = build_constructor(site_type, v);
    TREE_CONSTANT(init) = 1;
    TREE_STATIC(init) = 1;
    DECL_INITIAL(var) = init;
    varpool_node::finalize_decl(var);
    return var;
}

/* ======================================================================== */
/* Instrumentation                                                          */
/* ======================================================================== */

static tree find_enter_call(tree *tp, int *walk_subtrees, void *) {
    tree t = *tp;
    if (TYPE_P(t) || DECL_P(t)) {
        *walk_subtrees = 0;
        return NULL_TREE;
    }
    if (TREE_CODE(t) == CALL_EXPR && get_callee_fndecl(t) == enter_decl)
        return t;
    return NULL_TREE;
}

/*
 * Whether fndecl is measured already: a C++ constructor or destructor clone,
 * made from the constructor the user wrote, which was measured (measuring
 * the clone too would count each call twice), or a body that already calls
 * hotpath_enter through a site of ours.
 */
static bool already_instrumented(tree fndecl) {
    return hp_cdtor_clone_p(fndecl) ||
           walk_tree_without_duplicates(&DECL_SAVED_TREE(fndecl), find_enter_call, NULL);
}

/* Wraps the body of fndecl: token = enter(&site); try { body } finally { exit }. */
static void instrument(tree fndecl, tree site) {
    location_t loc = DECL_SOURCE_LOCATION(fndecl);
    location_t end =
        DECL_STRUCT_FUNCTION(fndecl) ? DECL_STRUCT_FUNCTION(fndecl)->function_end_locus : loc;
    tree token = build_decl(loc, VAR_DECL, get_identifier("__hotpath_token"), uint64_type_node);
    DECL_ARTIFICIAL(token) = 1;
    DECL_IGNORED_P(token) = 1;
    DECL_CONTEXT(token) = fndecl;
    TREE_USED(token) = 1;

    tree addr = build_fold_addr_expr(site);
    tree enter = build_call_expr_loc(loc, enter_decl, 1, addr);
    tree init = build2_loc(loc, MODIFY_EXPR, uint64_type_node, token, enter);
    TREE_SIDE_EFFECTS(init) = 1;
    tree leave = build_call_expr_loc(end, exit_decl, 2, addr, token);
    tree body = build2_loc(loc, TRY_FINALLY_EXPR, void_type_node, DECL_SAVED_TREE(fndecl), leave);
    TREE_SIDE_EFFECTS(body) = 1;

    tree list = alloc_stmt_list();
    append_to_statement_list_force(init, &list);
    append_to_statement_list_force(body, &list);
    tree bind = build3_loc(loc, BIND_EXPR, void_type_node, token, list, NULL_TREE);
    TREE_SIDE_EFFECTS(bind) = 1;
    DECL_SAVED_TREE(fndecl) = bind;
}

/*
 * Whether a function found by the include regex may be measured: not one
 * the compiler made up, nor one opted out by no_instrument_function (the
 * attribute itself: the DECL_NO_INSTRUMENT_FUNCTION_ENTRY_EXIT flag is set
 * on every function when -finstrument-functions is off), nor one of the
 * system headers (the C++ library's templates).
 */
static bool selectable(tree fndecl, const char *name) {
    return has_include && !DECL_ARTIFICIAL(fndecl) && !hp_lambda_function_p(fndecl) &&
           !lookup_attribute("no_instrument_function", DECL_ATTRIBUTES(fndecl)) &&
           !in_system_header_at(DECL_SOURCE_LOCATION(fndecl)) &&
           regexec(&include_re, name, 0, NULL, 0) == 0;
}

/* What body_size finds. */
struct hp_size {
    unsigned long statements;
    bool loop, call;
};

static tree count_statements(tree *tp, int *walk_subtrees, void *data) {
    struct hp_size *size = (struct hp_size *)data;
    tree t = *tp;
    if (TYPE_P(t) || DECL_P(t) || CONSTANT_CLASS_P(t)) {
        *walk_subtrees = 0;
        return NULL_TREE;
    }
    switch (TREE_CODE(t)) {
    case FOR_STMT:
    case WHILE_STMT:
    case DO_STMT:
    case LOOP_EXPR:
    case GOTO_EXPR: /* may jump back */
        size->loop = true;
        break;
    case CALL_EXPR: {
        /* __builtin_expect and its kind are no calls (LLVM's intrinsics);
         * a library function GCC knows as a built-in (strcmp) is one */
        tree callee = get_callee_fndecl(t);
        const char *id = callee && DECL_NAME(callee) ? IDENTIFIER_POINTER(DECL_NAME(callee)) : "";
        if (!callee || !fndecl_built_in_p(callee) ||
            (strncmp(id, "__builtin_", 10) && strncmp(id, "__atomic_", 9) &&
             strncmp(id, "__sync_", 7)))
            size->call = true;
        size->statements++;
        return NULL_TREE;
    }
    /* no statement of their own in GIMPLE */
    case BIND_EXPR:
    case STATEMENT_LIST:
    case DECL_EXPR:
    case NOP_EXPR:
    case CONVERT_EXPR:
    case NON_LVALUE_EXPR:
    case VIEW_CONVERT_EXPR:
    case SAVE_EXPR:
    case ADDR_EXPR:
    case COMPONENT_REF:
    case ARRAY_REF:
    case INDIRECT_REF:
    case MEM_REF:
    case CLEANUP_POINT_EXPR:
    case TARGET_EXPR:
        return NULL_TREE;
    default:
        break;
    }
    if (TREE_CODE_CLASS(TREE_CODE(t)) == tcc_vl_exp) /* C++'s AGGR_INIT_EXPR */
        size->call = true;
    if (EXPR_P(t) && !location_wrapper_p(t))
        size->statements++;
    return NULL_TREE;
}

/*
 * The size of a body in GENERIC, as the plugin sees it: the operations the
 * gimplifier makes statements of (assignments, arithmetic, comparisons,
 * calls, returns, branches; not conversions, references or scopes), and
 * whether it has a loop (or a goto) or calls a function that is not a
 * built-in. docs/gcc-plugin.md compares the count with -fdump-tree-gimple.
 */
static struct hp_size body_size(tree fndecl) {
    struct hp_size size = {0, false, false};
    walk_tree_without_duplicates(&DECL_SAVED_TREE(fndecl), count_statements, &size);
    return size;
}

/* Whether include= should pass over fndecl as too small to measure:
 * a leaf without loops under min-size statements (said under verbose). */
static bool too_small(tree fndecl, const char *name) {
    if (!min_size)
        return false;
    struct hp_size size = body_size(fndecl);
    if (size.loop || size.call || size.statements >= min_size)
        return false;
    if (verbose)
        inform(DECL_SOURCE_LOCATION(fndecl),
               "hotpath: not measuring %qs: a leaf function without loops of %lu "
               "statements, below %<min-size=%lu%>",
               name, size.statements, min_size);
    return true;
}

static void maybe_instrument(tree fndecl) {
    tree body = DECL_SAVED_TREE(fndecl);
    if (!body || body == error_mark_node)
        return;
    unsigned flags;
    struct hp_tag tag = function_tag(fndecl, &flags);
    if (tag.kind != HP_NONE) {
        tagged_definitions.add(fndecl);
        if (hp_lambda_function_p(fndecl)) {
            /* it has no name of its own to report (as with the Clang plugin) */
            error_at(DECL_SOURCE_LOCATION(fndecl),
                     "%qs only applies to named functions, not to lambdas", tag.spelling);
            return;
        }
    }
    if (seen_error())
        return;
    char *name = report_name(fndecl);
    bool by_include = tag.kind == HP_NONE && selectable(fndecl, name);
    if (by_include)
        tag.kind = HP_KIND_FUNCTION;
    if (tag.kind == HP_NONE || is_runtime_function(fndecl, name) ||
        (has_exclude && regexec(&exclude_re, name, 0, NULL, 0) == 0) ||
        lookup_attribute("naked", DECL_ATTRIBUTES(fndecl)) ||
        (by_include && too_small(fndecl, name))) {
        XDELETEVEC(name);
        return;
    }
    build_abi();
    if (already_instrumented(fndecl)) {
        XDELETEVEC(name);
        return;
    }
    location_t loc = DECL_SOURCE_LOCATION(fndecl);
    if (tag.kind == HP_KIND_MAIN) {
        if (main_fndecl && main_fndecl != fndecl) {
            error_at(loc, "%<hotpath::main%> given to %qD, but this unit already has one", fndecl);
            inform(DECL_SOURCE_LOCATION(main_fndecl), "the first %<hotpath::main%> is %qD",
                   main_fndecl);
            XDELETEVEC(name);
            return;
        }
        main_fndecl = fndecl;
    }
    const char *shown = tag.label ? TREE_STRING_POINTER(strip(tag.label)) : name;
    /* A function's own "sample=N", else the plugin's sample=N, in the
     * site's flags (the sampling contract; main sites are never sampled),
     * and whether include= selected it (the adaptive mode's default). */
    unsigned sample = tag.sample ? tag.sample : sample_default;
    if (tag.kind == HP_KIND_FUNCTION)
        flags = sample << HP_ARGS_SAMPLE_SHIFT | (by_include ? HP_ARGS_FLAG_SELECTED : 0u);
    char timing[64] = "";
    if (tag.kind == HP_KIND_FUNCTION && sample > 1)
        snprintf(timing, sizeof timing, " (timing 1 call in %u)", sample);
    else if (tag.kind == HP_KIND_FUNCTION && sample == 1)
        snprintf(timing, sizeof timing, " (timing every call: sample=1)");
    char *pcts = tag.kind == HP_KIND_MAIN ? percentile_list(tag.main_args) : NULL;
    if (verbose && tag.kind == HP_KIND_MAIN)
        inform(loc, "hotpath: measuring %qs as the main window (percentiles: %s%s)", shown,
               pcts ? pcts : "default",
               flags & HP_FLAG_ALLOC_CUMULATIVE ? "; allocations: cumulative"
               : flags & HP_FLAG_ALLOC          ? "; allocations: exclusive"
                                                : "");
    else if (verbose)
        inform(loc, "hotpath: measuring %qs%s", shown, timing);
    instrument(fndecl, build_site(fndecl, shown, tag.kind, pcts, flags));
    XDELETEVEC(pcts);
    XDELETEVEC(name);
}

static void instrument_nested(tree fndecl) {
    cgraph_node *node = cgraph_node::get(fndecl);
    if (!node)
        return;
    for (cgraph_node *n = hp_first_nested(node); n; n = hp_next_nested(n)) {
        maybe_instrument(n->decl);
        instrument_nested(n->decl);
    }
}

static void on_pre_genericize(void *gcc_data, void *) {
    tree fndecl = (tree)gcc_data;
    pending_name = NULL_TREE; /* the tag was on this definition */
    if (!fndecl || TREE_CODE(fndecl) != FUNCTION_DECL)
        return;
    maybe_instrument(fndecl);
    instrument_nested(fndecl); /* GCC hands GNU C nested functions to nobody */
}

/* ======================================================================== */
/* Tags that measure nothing                                                */
/* ======================================================================== */

static bool has_body(tree fndecl) {
    return DECL_SAVED_TREE(fndecl) ||
           (DECL_INITIAL(fndecl) && DECL_INITIAL(fndecl) != error_mark_node);
}

static bool in_main_file(location_t loc) {
    const char *file = LOCATION_FILE(expansion_point_location(loc));
    return file && main_input_filename && !strcmp(file, main_input_filename);
}

/*
 * A declaration has been merged with the earlier ones. If the handler put
 * a tag on it: after the definition, the tag comes too late (the body was
 * compiled at the definition); with no definition yet, it is remembered for
 * on_finish_unit, where a main-file declaration still without one is a tag
 * that measures nothing in this unit.
 */
static void on_finish_decl(void *gcc_data, void *) {
    tree decl = (tree)gcc_data;
    if (!pending_name || !decl || TREE_CODE(decl) != FUNCTION_DECL ||
        DECL_NAME(decl) != pending_name)
        return;
    pending_name = NULL_TREE;
    if (has_body(decl)) {
        if (!tagged_definitions.contains(decl))
            warning_at(pending_loc, 0,
                       "%qs on a declaration of %qD after its definition is ignored: the "
                       "function is not measured (tag the definition, or a declaration "
                       "before it)",
                       pending_spelling, decl);
        return;
    }
    if (!in_main_file(pending_loc))
        return; /* a header's: the defining unit may include it too */
    for (tree t = undefined_tags; t; t = TREE_CHAIN(t))
        if (TREE_VALUE(t) == decl)
            return;
    undefined_tags = tree_cons(NULL_TREE, decl, undefined_tags);
    undefined_locs.safe_push(pending_loc);
}

/* At PLUGIN_FINISH, which also comes under -fsyntax-only (bodies may be
 * released by then: a definition is known from tagged_definitions, which a
 * later definition of a tagged declaration joins through its inherited
 * tag). */
static void on_finish_unit(void *, void *) {
    unsigned i = 0;
    undefined_tags = nreverse(undefined_tags);
    for (tree t = undefined_tags; t; t = TREE_CHAIN(t)) {
        location_t loc = undefined_locs[i++];
        if (!tagged_definitions.contains(TREE_VALUE(t)) && !has_body(TREE_VALUE(t)) &&
            !seen_error())
            warning_at(loc, 0,
                       "%qD is tagged but not defined in this unit, so it is not measured: "
                       "a tag counts only in the unit that compiles the definition (tag the "
                       "definition, or a declaration in a header that unit includes)",
                       TREE_VALUE(t));
    }
}

/* ======================================================================== */
/* Plugin entry                                                             */
/* ======================================================================== */

static bool compile_regex(regex_t *re, const char *key, const char *value) {
    int rc = regcomp(re, value, REG_EXTENDED | REG_NOSUB);
    if (rc == 0)
        return true;
    char why[256], msg[1024];
    regerror(rc, re, why, sizeof why);
    hp_args_bad_regex(&gcc_dialect, key, value, why, msg, sizeof msg);
    error("%s", msg);
    return false;
}

int plugin_init(struct plugin_name_args *info, struct plugin_gcc_version *version) {
    plugin_name = info->base_name;
    if (!plugin_default_version_check(version, &gcc_version)) {
        error(G_("incompatible gcc/plugin versions: %qs was built for GCC %s"), plugin_name,
              gcc_version.basever);
        return 1;
    }

    /* Only the C and C++ front ends have attributes to read (not lto1). */
    if (strncmp(lang_hooks.name, "GNU C", 5) != 0)
        return 0;

    /* plugin-common/plugin_args.c parses them, as it does for the Clang
     * plugin: one set of messages for both */
    bool ok = true;
    char prefix[96];
    snprintf(prefix, sizeof prefix, "-fplugin-arg-%s-", plugin_name);
    gcc_dialect.prefix = prefix;
    struct hp_plugin_args args;
    hp_args_init(&args, &gcc_dialect);
    for (int i = 0; i < info->argc; i++) {
        char msg[1024];
        if (hp_args_parse(&args, &gcc_dialect, info->argv[i].key, info->argv[i].value, msg,
                          sizeof msg) != HP_ARGS_OK) {
            error("%s", msg);
            ok = false;
        }
    }
    verbose = args.verbose;
    min_size = args.min_size;
    sample_default = args.sample;
    if (args.include && compile_regex(&include_re, "include", args.include))
        has_include = true;
    else if (args.include)
        ok = false;
    if (args.exclude && compile_regex(&exclude_re, "exclude", args.exclude))
        has_exclude = true;
    else if (args.exclude)
        ok = false;
    if (!ok)
        return 0; /* the errors above fail the compilation */

    register_callback(plugin_name, PLUGIN_INFO, NULL, &hotpath_plugin_info);
    register_callback(plugin_name, PLUGIN_REGISTER_GGC_ROOTS, NULL, (void *)hotpath_roots);
    register_callback(plugin_name, PLUGIN_ATTRIBUTES, on_attributes, NULL);
    register_callback(plugin_name, PLUGIN_PRAGMAS, on_pragmas, NULL);
    register_callback(plugin_name, PLUGIN_PRE_GENERICIZE, on_pre_genericize, NULL);
    register_callback(plugin_name, PLUGIN_FINISH_DECL, on_finish_decl, NULL);
    register_callback(plugin_name, PLUGIN_FINISH, on_finish_unit, NULL);
    return 0;
}
