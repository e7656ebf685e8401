/*
 * gcc-common.h — the one header through which the hotpath GCC plugin sees
 * GCC's internals.
 *
 * GCC's plugin headers must be included in a fixed order (gcc-plugin.h
 * first, then the tree and back-end headers), and their contents move
 * between releases. Every such difference is hidden here behind a
 * GCC_VERSION check, so that hotpath_plugin.cc includes nothing of GCC's
 * directly. Written for GCC 12 (Debian 12's gcc-12-plugin-dev); versions
 * 10 to 14 differ only where noted below.
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

/* The nested functions of a function: GCC 11 moved them out of cgraph_node. */
#if BUILDING_GCC_VERSION >= 11000
#define hp_first_nested(node) first_nested_function(node)
#define hp_next_nested(node) next_nested_function(node)
#else
#define hp_first_nested(node) ((node)->nested)
#define hp_next_nested(node) ((node)->next_nested)
#endif

#endif /* HOTPATH_GCC_COMMON_H */
