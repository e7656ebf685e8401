#include <stdio.h>
#include <stdlib.h>

#include "mathlib.h"

long run_all(void) {
    long sum = 0;
    for (long i = 0; i < 10; i++)
        sum += square(i) + cube(i);
    const char *words[] = {"hotpath", "profile", "report"};
    for (int i = 0; i < 3; i++) {
        char *r = reverse(words[i]);
        printf("%s ", r);
        free(r);
    }
    return sum;
}
