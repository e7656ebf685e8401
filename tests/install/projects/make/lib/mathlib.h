/* The sample projects' library: a few functions the program calls a known
 * number of times. */
#ifndef MATHLIB_H
#define MATHLIB_H
long square(long x);
long cube(long x);
char *reverse(const char *s); /* a new string, from malloc */
#endif
