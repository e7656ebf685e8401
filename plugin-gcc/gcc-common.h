/*
 * gcc-common.h — the one header through which the hotpath GCC plugin sees
 * GCC's internals.
 *
 * GCC's plugin headers must be included in a fixed order (gcc-plugin.h
 * first, then the tree and back-end headers), and their contents move
 * between releases. Every such difference is hidden here behind a
 * GCC_VERSION check, so that hotpath_plugin.cc includes nothing of GCC's
 * directly. Written and tested against GCC 12 (Debian 12's
 * gcc-12-plugin-dev); what is known to differ in GCC 10 to 13 is marked,
 * and GCC 14, whose attribute tables changed shape, is refused below.
 */
#ifndef HOTPATH_GCC_COMMON_H
#define HOTPATH_GCC_COMMON_H

/* POSIX regex before GCC's system.h, which poisons some libc names. */
#include <regex.h>

#include "gcc-plugin.h"
#include "plugin-version.h"

#include "tree.h"
/* The C family's headers before diagnostic-core.h (format checking). */
#include "c-family/c-common.h"
#include "c-family/c-pragma.h"
#include "tree-iterator.h"
#include "stringpool.h"
#include "attribs.h"
#include "stor-layout.h"
#include "varasm.h"
#include "cgraph.h"
#include "tree-nested.h"
#include "diagnostic-core.h"
#include "diagnostic.h"
#include "langhooks.h"
#include "intl.h"
#include "real.h"

#if BUILDING_GCC_VERSION < 10000
#error "hotpath needs GCC 10 or later (scoped attribute registration, C2x attributes)"
#endif
#if BUILDING_GCC_VERSION >= 14000
/* GCC 14 registers attributes through scoped_attribute_specs tables. */
#error "hotpath: GCC 14's attribute registration is not supported yet"
#endif

/*
 * lookup of an attribute spec by namespace and name: GCC 10-12 take a
 * TREE_LIST (namespace, name) through lookup_attribute_spec.
 */
static inline const struct attribute_spec *hp_lookup_attribute_spec(const char *ns,
                                                                    const char *name) {
    tree id = get_identifier(name);
    if (ns)
        return lookup_attribute_spec(build_tree_list(get_identifier(ns), id));
    return lookup_attribute_spec(id);
}

/*
 * The driver hands -fplugin to lto1 too, which has no C front end: the one
 * C-family variable the plugin uses is weak so that the plugin still loads
 * there (where it then does nothing).
 */
#pragma weak parse_in

/*
 * C++ constructor and destructor clones. The front end compiles the
 * constructor the user wrote (named "__ct "; destructors "__dt ") and then
 * clones it into the complete, base and deleting variants ("__ct_comp ",
 * "__ct_base ", "__dt_comp ", "__dt_base ", "__dt_del "), each of which
 * either copies the written body or, at -Os and for the deleting
 * destructor, calls another variant. The names are the same in GCC 10-14.
 */
static inline bool hp_cdtor_clone_p(tree fndecl) {
    if (!DECL_CXX_CONSTRUCTOR_P(fndecl) && !DECL_CXX_DESTRUCTOR_P(fndecl))
        return false;
    tree name = DECL_NAME(fndecl);
    return name && strcmp(IDENTIFIER_POINTER(name), "__ct ") != 0 &&
           strcmp(IDENTIFIER_POINTER(name), "__dt ") != 0;
}

/*
 * A C++ lambda's call operator: the closure type's name is marked
 * (cp-tree.h's IDENTIFIER_LAMBDA_P, the identifier's protected_flag, GCC
 * 10-13). cp-tree.h itself is not included: the plugin also loads in cc1.
 */
static inline bool hp_lambda_function_p(tree fndecl) {
    tree ctx = DECL_CONTEXT(fndecl);
    if (!ctx || TREE_CODE(ctx) != RECORD_TYPE)
        return false;
    tree id = TYPE_IDENTIFIER(TYPE_MAIN_VARIANT(ctx));
    return id && TREE_CODE(id) == IDENTIFIER_NODE && id->base.protected_flag;
}

/* The nested functions of a function: GCC 11 moved them out of cgraph_node. */
#if BUILDING_GCC_VERSION >= 11000
#define hp_first_nested(node) first_nested_function(node)
#define hp_next_nested(node) next_nested_function(node)
#else
#define hp_first_nested(node) ((node)->nested)
#define hp_next_nested(node) ((node)->next_nested)
#endif

#endif /* HOTPATH_GCC_COMMON_H */
