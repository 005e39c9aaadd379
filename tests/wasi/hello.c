/* Prints a greeting, the contents of data.txt from the preopen named on the
 * command line, and exits with status 3. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    printf("hello from wasi\n");
    if (argc < 2) {
        fprintf(stderr, "usage: hello DIR\n");
        return 2;
    }
    char path[256];
    snprintf(path, sizeof path, "%s/data.txt", argv[1]);
    FILE *f = fopen(path, "r");
    if (!f) {
        perror("fopen");
        return 1;
    }
    char buf[256];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    printf("data: %s", buf);
    fflush(stdout);
    exit(3);
}
