/* No tag at all: measured only through HOTPATH_INCLUDE. */
static int helper(int x) { return x ^ 5; }
int (*volatile helper_ptr)(int) = helper; /* called through a pointer: never inlined away */
int main(void) {
    int s = 0;
    for (int i = 0; i < 5; i++)
        s += helper_ptr(i);
    return s == 23 ? 0 : 1;
}
