/* WASI behaviour tests: `suite TEST [DIR]`; each prints what it observed,
 * so the test harness compares the output with what is expected.
 * Exit status 0 unless a check fails (then 1, with a message on stderr). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHECK(cond, ...)                                \
    do {                                                \
        if (!(cond)) {                                  \
            fprintf(stderr, "check failed: " __VA_ARGS__); \
            fprintf(stderr, " (errno %d %s)\n", errno, strerror(errno)); \
            exit(1);                                    \
        }                                               \
    } while (0)

static const char *dir;

static char *at(const char *name) {
    static char buf[4][512];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
    return buf[i];
}

static void roundtrip(void) {
    FILE *f = fopen(at("rt.txt"), "w");
    CHECK(f, "create");
    fprintf(f, "line one\nline two\n");
    fclose(f);
    f = fopen(at("rt.txt"), "a");
    CHECK(f, "append");
    fprintf(f, "line three\n");
    fclose(f);
    f = fopen(at("rt.txt"), "r");
    CHECK(f, "reopen");
    char buf[128];
    while (fgets(buf, sizeof buf, f)) printf("read: %s", buf);
    fclose(f);
    struct stat st;
    CHECK(stat(at("rt.txt"), &st) == 0, "stat");
    printf("size %lld regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
}

static void seek(void) {
    int fd = open(at("seek.bin"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0, "open");
    CHECK(write(fd, "0123456789", 10) == 10, "write");
    CHECK(lseek(fd, 3, SEEK_SET) == 3, "lseek set");
    char c[4] = {0};
    CHECK(read(fd, c, 3) == 3, "read");
    printf("at 3: %s\n", c);
    CHECK(lseek(fd, -2, SEEK_END) == 8, "lseek end");
    CHECK(read(fd, c, 2) == 2, "read end");
    c[2] = 0;
    printf("last two: %s\n", c);
    printf("tell: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    CHECK(pwrite(fd, "AB", 2, 0) == 2, "pwrite");
    CHECK(pread(fd, c, 3, 0) == 3, "pread");
    c[3] = 0;
    printf("pread: %s\n", c);
    CHECK(ftruncate(fd, 4) == 0, "ftruncate");
    struct stat st;
    CHECK(fstat(fd, &st) == 0, "fstat");
    printf("truncated size %lld\n", (long long)st.st_size);
    close(fd);
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void listing(void) {
    CHECK(mkdir(at("sub"), 0755) == 0, "mkdir");
    const char *names[] = {"c.txt", "a.txt", "b.txt"};
    for (int i = 0; i < 3; i++) {
        char p[64];
        snprintf(p, sizeof p, "sub/%s", names[i]);
        FILE *f = fopen(at(p), "w");
        CHECK(f, "create %s", p);
        fclose(f);
    }
    DIR *d = opendir(at("sub"));
    CHECK(d, "opendir");
    char *seen[16];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 16) seen[n++] = strdup(e->d_name);
    closedir(d);
    qsort(seen, n, sizeof seen[0], cmp);
    for (int i = 0; i < n; i++) printf("entry: %s\n", seen[i]);
    for (int i = 0; i < 3; i++) {
        char p[64];
        snprintf(p, sizeof p, "sub/%s", names[i]);
        CHECK(unlink(at(p)) == 0, "unlink %s", p);
    }
    CHECK(rmdir(at("sub")) == 0, "rmdir");
    printf("sub exists after rmdir: %d\n", access(at("sub"), F_OK) == 0);
}

static void rename_unlink(void) {
    FILE *f = fopen(at("old.txt"), "w");
    CHECK(f, "create");
    fputs("moved", f);
    fclose(f);
    CHECK(rename(at("old.txt"), at("new.txt")) == 0, "rename");
    printf("old exists: %d\n", access(at("old.txt"), F_OK) == 0);
    f = fopen(at("new.txt"), "r");
    CHECK(f, "open new");
    char buf[16] = {0};
    fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    printf("new contains: %s\n", buf);
    CHECK(unlink(at("new.txt")) == 0, "unlink");
    errno = 0;
    int r = unlink(at("new.txt"));
    printf("unlink again: %d %s\n", r, strerror(errno));
    errno = 0;
    r = rmdir(at("missing"));
    printf("rmdir missing: %d %s\n", r, strerror(errno));
}

static void times(void) {
    int fd = open(at("t.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0, "open");
    close(fd);
    struct timespec ts[2] = {{1000000000, 0}, {1234567890, 500}};
    CHECK(utimensat(AT_FDCWD, at("t.txt"), ts, 0) == 0, "utimensat");
    struct stat st;
    CHECK(stat(at("t.txt"), &st) == 0, "stat");
    printf("atime %lld mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec, (long long)st.st_mtim.tv_sec,
           st.st_mtim.tv_nsec);
}

static void escape(void) {
    const char *tries[] = {"../outside.txt", "link_out", "sub/../../outside.txt"};
    for (int i = 0; i < 3; i++) {
        errno = 0;
        int fd = open(at(tries[i]), O_RDONLY);
        printf("open %s: %s\n", tries[i], fd >= 0 ? "OPENED" : strerror(errno));
        if (fd >= 0) close(fd);
    }
    errno = 0;
    int fd = open("/etc/passwd", O_RDONLY);
    printf("open /etc/passwd: %s\n", fd >= 0 ? "OPENED" : "failed");
    errno = 0;
    int r = mkdir(at("../escaped_dir"), 0755);
    printf("mkdir ../escaped_dir: %s\n", r == 0 ? "CREATED" : strerror(errno));
}

static void args_env(int argc, char **argv) {
    for (int i = 0; i < argc; i++) printf("argv[%d] = %s\n", i, argv[i]);
    const char *v = getenv("TANDEM_TEST");
    printf("TANDEM_TEST = %s\n", v ? v : "(unset)");
    printf("HOME = %s\n", getenv("HOME") ? getenv("HOME") : "(unset)");
}

static void clocks(void) {
    struct timespec a, b, c;
    CHECK(clock_gettime(CLOCK_REALTIME, &a) == 0, "realtime");
    printf("realtime after 2020: %d\n", a.tv_sec > 1577836800);
    CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0, "monotonic");
    volatile unsigned long spin = 0;
    for (int i = 0; i < 2000000; i++) spin += i;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &c) == 0, "monotonic 2");
    printf("monotonic advances: %d\n", (c.tv_sec > b.tv_sec) || (c.tv_sec == b.tv_sec && c.tv_nsec > b.tv_nsec));
    struct timespec p;
    CHECK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &p) == 0, "process cputime");
    printf("process cputime positive: %d\n", p.tv_sec > 0 || p.tv_nsec > 0);
    struct timespec req = {0, 20 * 1000 * 1000}, d1, d2;
    clock_gettime(CLOCK_MONOTONIC, &d1);
    CHECK(nanosleep(&req, NULL) == 0, "nanosleep");
    clock_gettime(CLOCK_MONOTONIC, &d2);
    long slept = (d2.tv_sec - d1.tv_sec) * 1000000000L + (d2.tv_nsec - d1.tv_nsec);
    printf("slept at least 20ms: %d\n", slept >= 20 * 1000 * 1000);
}

static void random_bytes(void) {
    unsigned char a[32] = {0}, b[32] = {0};
    CHECK(getentropy(a, sizeof a) == 0, "getentropy");
    CHECK(getentropy(b, sizeof b) == 0, "getentropy 2");
    printf("random differs: %d\n", memcmp(a, b, sizeof a) != 0);
}

static void stdin_echo(void) {
    char buf[4096];
    size_t total = 0, n;
    unsigned sum = 0;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
        for (size_t i = 0; i < n; i++) sum = sum * 31 + (unsigned char)buf[i];
        total += n;
    }
    printf("stdin bytes %zu hash %u\n", total, sum);
}

static void poll_stdin(void) {
    struct pollfd p = {0, POLLIN, 0};
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    int n = poll(&p, 1, 100);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long waited = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    printf("poll: %d readable %d waited at least 100ms %d\n", n, (p.revents & POLLIN) != 0, waited >= 100);
}

static void misc(void) {
    int fd = open(at("m.bin"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0, "open");
    int r = posix_fallocate(fd, 0, 4096);
    struct stat st;
    fstat(fd, &st);
    printf("fallocate: %s size %lld\n", r == 0 ? "ok" : strerror(r), (long long)st.st_size);
    int fl = fcntl(fd, F_GETFL);
    printf("append before: %d\n", (fl & O_APPEND) != 0);
    fcntl(fd, F_SETFL, fl | O_APPEND);
    printf("append after: %d\n", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
    close(fd);
    struct timespec res;
    printf("getres realtime ok: %d\n", clock_getres(CLOCK_REALTIME, &res) == 0);
    printf("isatty(fd) on a file: %d\n", isatty(3));
    errno = 0;
    printf("read from closed fd 77: %zd %s\n", read(77, &res, 1), strerror(errno));
    errno = 0;
    int d = open(at("."), O_RDONLY | O_DIRECTORY);
    char buf[4];
    printf("read a directory: %zd %s\n", read(d, buf, 4), strerror(errno));
    close(d);
    errno = 0;
    printf("open missing: %d %s\n", open(at("nope/x"), O_RDONLY), strerror(errno));
    errno = 0;
    printf("create over a dir: %d %s\n", open(at("."), O_WRONLY | O_CREAT, 0644), strerror(errno));
    errno = 0;
    printf("excl existing: %d %s\n", open(at("m.bin"), O_WRONLY | O_CREAT | O_EXCL, 0644), strerror(errno));
    errno = 0;
    printf("rmdir non-empty: %d %s\n", rmdir(at(".")) , strerror(errno));
    CHECK(mkdir(at("d"), 0755) == 0, "mkdir d");
    FILE *f = fopen(at("d/x"), "w");
    fclose(f);
    errno = 0;
    printf("rmdir d (not empty): %d %s\n", rmdir(at("d")), strerror(errno));
    errno = 0;
    printf("unlink a dir: %d %s\n", unlink(at("d")), strerror(errno));
    errno = 0;
    printf("mkdir existing: %d %s\n", mkdir(at("d"), 0755), strerror(errno));
    char link[64] = {0};
    symlink("d/x", at("ln"));
    ssize_t n = readlink(at("ln"), link, sizeof link - 1);
    printf("readlink: %zd %s\n", n, link);
    struct stat ls;
    lstat(at("ln"), &ls);
    printf("lstat is link: %d\n", S_ISLNK(ls.st_mode));
}

static void big_output(int argc, char **argv) {
    /* Writes N MiB of a repeating pattern to stdout in 64 KiB blocks. */
    long mib = argc > 2 ? atol(argv[2]) : 1;
    static char block[65536];
    for (size_t i = 0; i < sizeof block; i++) block[i] = 'a' + (i % 26);
    for (long i = 0; i < mib * 16; i++) fwrite(block, 1, sizeof block, stdout);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: suite TEST [DIR]\n");
        return 2;
    }
    const char *t = argv[1];
    dir = argc > 2 ? argv[2] : ".";
    if (!strcmp(t, "roundtrip")) roundtrip();
    else if (!strcmp(t, "seek")) seek();
    else if (!strcmp(t, "listing")) listing();
    else if (!strcmp(t, "rename")) rename_unlink();
    else if (!strcmp(t, "times")) times();
    else if (!strcmp(t, "escape")) escape();
    else if (!strcmp(t, "args")) args_env(argc, argv);
    else if (!strcmp(t, "clocks")) clocks();
    else if (!strcmp(t, "random")) random_bytes();
    else if (!strcmp(t, "stdin")) stdin_echo();
    else if (!strcmp(t, "big")) big_output(argc, argv);
    else if (!strcmp(t, "poll")) poll_stdin();
    else if (!strcmp(t, "misc")) misc();
    else if (!strcmp(t, "exit")) exit(argc > 2 ? atoi(argv[2]) : 0);
    else {
        fprintf(stderr, "unknown test %s\n", t);
        return 2;
    }
    return 0;
}
