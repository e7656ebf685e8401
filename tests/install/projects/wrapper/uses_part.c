#include <hotpath/hotpath.h>
int part(int x);
HOTPATH_MEASURE int main(void) {
    int s = 0;
    for (int i = 0; i < 4; i++)
        s += part(i);
    return s == 10 ? 0 : 1;
}
