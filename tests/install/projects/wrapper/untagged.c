/* No tag at all: measured only through HOTPATH_INCLUDE (a loop: a
 * loop-free leaf this small would be left out by min-size). */
static int helper(int x) {
    int r = x;
    for (int i = 0; i < x % 2; i++)
        r ^= 5 ^ x;
    return r == x ? x ^ 5 : r;
}
int (*volatile helper_ptr)(int) = helper; /* called through a pointer: never inlined away */
int main(void) {
    int s = 0;
    for (int i = 0; i < 5; i++)
        s += helper_ptr(i);
    return s == 23 ? 0 : 1;
}
