/* main.c - mcud entry point (placeholder until the daemon lands). */
#include <stdio.h>

int main(void)
{
    fprintf(stderr, "mcud: not built yet\n");
    return 1;
}
