/*
 * testing.h — internals exposed to the runtime's tests, and to nothing else.
 */
#ifndef HOTPATH_TESTING_H
#define HOTPATH_TESTING_H

#include "clock.h"
#include "config.h"
#include "histogram.h"
#include "internal.h"
#include "report.h"

#endif
