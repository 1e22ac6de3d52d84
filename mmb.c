/*
 * mmb — one floating-point program measured as a Debian binary, a static binary and WebAssembly.
 *
 * Usage: mmb SIZE DURATION_S [WARMUP_S]
 *   SIZE        integer 1..8192: the matrices are SIZE x SIZE doubles
 *   DURATION_S  > 0, decimals allowed: the timed loop runs whole multiplications until this has elapsed
 *   WARMUP_S    >= 0, default 0: multiplications run this long before the timed loop
 * Anything else: one usage line on stderr, exit status 2.
 *
 * Kernel: C = A·B in double precision, i-k-j loop order, 64-byte aligned buffers, deterministic
 * initialisation, no intrinsics. Portable C11 + POSIX clock_gettime/posix_memalign: builds for
 * x86_64/aarch64 Linux (glibc, dynamic or static) and wasm32-wasi (no threads, signals or mmap).
 *
 * Output protocol (stdout, one line each, flushed at once; the contract with the orchestrators,
 * see docs/program.md "The mmb program (output protocol)"):
 *   MMB_READY size=N duration=D warmup=W compiler=<id> flags="<flags>" target=<triple>
 *   BENCH_START
 *   BENCH_PROGRESS t=<s since the timed loop began> iterations=<cumulative>   (every >= 0.5 s, see below)
 *   BENCH_END
 *   iterations=<int>
 *   throughput_mflops=<float>
 *   elapsed_s=<float>
 *   valid=true|false
 * Exit status: 0 valid, 1 invalid (or out of memory), 2 bad arguments.
 *
 * Validity check (outside the timed window, O(N²) next to the O(N³) multiplication):
 *   Every entry of A and B is a small integer divided by 8, so every product is a multiple of 1/64 and
 *   every sum is exact in double precision whatever the order of the additions (vectorised, FMA-contracted
 *   or not): the result has exactly one right value. The first timed product is kept in its own buffer
 *   (the loop writes the first product to C0 and all later ones to C1, so nothing is copied in the timed
 *   window) and checked by
 *     1. Freivalds: A·(B·r) == C0·r exactly, for two fixed vectors r with no zero entry (any single wrong
 *        element changes C0·r, so it is always caught);
 *     2. an independent reference: 16 elements of C0 recomputed as plain dot products;
 *   and the last timed product must be bit-identical to the first (memcmp C1 vs C0).
 * Test-only: -DMMB_CORRUPT_RESULT makes the kernel add 1 to one element of every product, so the checks
 * must fail; -DMMB_CORRUPT_RESULT=2 does it from the second call on, so only "last == first" can catch it
 * (tests/MmbProgramTest.java builds both into a temporary folder).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MMB_MAX_SIZE 8192
#define MMB_ALIGN 64
/* BENCH_PROGRESS cadence (s of the program's own CLOCK_MONOTONIC), and the quiet tail before the deadline in
   which no line is printed, so the last slice (last line → BENCH_END) is never a sliver of one iteration.
   Overridable only to measure what one line costs (bench/progress-cost.sh: -DMMB_PROGRESS_S=0, a line after
   every multiplication). */
#ifndef MMB_PROGRESS_S
#define MMB_PROGRESS_S 0.5
#endif
#ifndef MMB_PROGRESS_QUIET_S
#define MMB_PROGRESS_QUIET_S 0.25
#endif

/* ---- build identity: compiler, flags, target ---- */
#define MMB_STR2(x) #x
#define MMB_STR(x) MMB_STR2(x)

#if defined(__clang__)
#define MMB_COMPILER "clang-" MMB_STR(__clang_major__) "." MMB_STR(__clang_minor__) "." MMB_STR(__clang_patchlevel__)
#elif defined(__GNUC__)
#define MMB_COMPILER "gcc-" MMB_STR(__GNUC__) "." MMB_STR(__GNUC_MINOR__) "." MMB_STR(__GNUC_PATCHLEVEL__)
#else
#define MMB_COMPILER "unknown"
#endif

#ifndef MMB_FLAGS /* build.mk passes the flags it compiled with: -DMMB_FLAGS='"-O2 ..."' */
#define MMB_FLAGS "unknown"
#endif

#ifndef MMB_TARGET
#if defined(__x86_64__)
#define MMB_ARCH "x86_64"
#elif defined(__aarch64__)
#define MMB_ARCH "aarch64"
#elif defined(__wasm32__)
#define MMB_ARCH "wasm32"
#elif defined(__i386__)
#define MMB_ARCH "i386"
#else
#define MMB_ARCH "unknown"
#endif
#if defined(__wasi__)
#define MMB_OS "wasi"
#elif defined(__linux__) && defined(__GLIBC__)
#define MMB_OS "linux-gnu"
#elif defined(__linux__)
#define MMB_OS "linux-musl"
#else
#define MMB_OS "unknown"
#endif
#define MMB_TARGET MMB_ARCH "-" MMB_OS
#endif

static void usage(void) {
    fputs("usage: mmb SIZE DURATION_S [WARMUP_S]  (SIZE integer 1..8192, DURATION_S > 0, WARMUP_S >= 0, seconds)\n",
          stderr);
}

/* Whole-string parses in plain decimal: no sign, spaces, hex or trailing characters; no overflow; finite. */
static int parse_int(const char *s, long *out) {
    char *end;
    if (s[0] < '0' || s[0] > '9' || s[strspn(s, "0123456789")] != '\0') return 0;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end != '\0') return 0;
    *out = v;
    return 1;
}

static int parse_seconds(const char *s, double *out) {
    char *end;
    if (!((s[0] >= '0' && s[0] <= '9') || s[0] == '.' || s[0] == '-') || s[strspn(s, "0123456789.eE+-")] != '\0')
        return 0;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end != '\0' || !isfinite(v)) return 0;
    *out = v;
    return 1;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double *alloc_matrix(size_t n) {
    void *p = NULL;
    size_t bytes = n * n * sizeof(double);
    bytes = (bytes + MMB_ALIGN - 1) / MMB_ALIGN * MMB_ALIGN;
    if (posix_memalign(&p, MMB_ALIGN, bytes) != 0) return NULL;
    memset(p, 0, bytes);
    return (double *)p;
}

/* Small integers / 8, in [-1, 1]: every product is a multiple of 1/64, every sum exact. */
static void init_matrices(size_t n, double *a, double *b) {
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            a[i * n + j] = (double)((int)((i * 7 + j * 3 + 1) % 17) - 8) / 8.0;
            b[i * n + j] = (double)((int)((i * 5 + j * 11 + 3) % 13) - 6) / 8.0;
        }
}

/* The kernel: C = A·B, i-k-j order. noinline so every build times the same function. */
__attribute__((noinline)) static void matmul(size_t n, const double *restrict a, const double *restrict b,
                                             double *restrict c) {
    memset(c, 0, n * n * sizeof(double));
    for (size_t i = 0; i < n; i++) {
        double *restrict ci = c + i * n;
        for (size_t k = 0; k < n; k++) {
            const double aik = a[i * n + k];
            const double *restrict bk = b + k * n;
            for (size_t j = 0; j < n; j++) ci[j] += aik * bk[j];
        }
    }
#ifdef MMB_CORRUPT_RESULT
    /* test-only: a wrong element the validity check must catch; in every product (-DMMB_CORRUPT_RESULT,
       caught by Freivalds and the reference elements) or from the Nth call on (-DMMB_CORRUPT_RESULT=N, N >= 2
       and no warmup: the first product is right, the last differs from it) */
    static long calls;
    if (++calls >= MMB_CORRUPT_RESULT) c[(n / 2) * n + n / 3] += 1.0;
#endif
}

/* y = M·x */
static void matvec(size_t n, const double *m, const double *x, double *y) {
    for (size_t i = 0; i < n; i++) {
        double s = 0.0;
        for (size_t j = 0; j < n; j++) s += m[i * n + j] * x[j];
        y[i] = s;
    }
}

/* Freivalds with vector r: A·(B·r) == C·r, exactly (every value is an exact multiple of 1/64). */
static int freivalds(size_t n, const double *a, const double *b, const double *c, const double *r, double *t1,
                     double *t2, double *t3) {
    matvec(n, b, r, t1);  /* t1 = B·r */
    matvec(n, a, t1, t2); /* t2 = A·(B·r) */
    matvec(n, c, r, t3);  /* t3 = C·r */
    for (size_t i = 0; i < n; i++)
        if (t2[i] != t3[i]) return 0;
    return 1;
}

static int check_product(size_t n, const double *a, const double *b, const double *c) {
    double *r = malloc(4 * n * sizeof(double));
    if (!r) return 0;
    double *t1 = r + n, *t2 = r + 2 * n, *t3 = r + 3 * n;
    int ok = 1;
    /* two fixed vectors with entries in {1,2,3} and {-2,-1,1,2}: no zero, so one wrong element always shows */
    for (size_t j = 0; j < n; j++) r[j] = (double)(1 + (j * 7) % 3);
    ok = ok && freivalds(n, a, b, c, r, t1, t2, t3);
    for (size_t j = 0; j < n; j++) r[j] = (double)((j * 5) % 4 < 2 ? (int)((j * 5) % 4) - 2 : (int)((j * 5) % 4) - 1);
    ok = ok && freivalds(n, a, b, c, r, t1, t2, t3);
    /* independent reference: 16 elements as plain dot products (corners, centre, spread) */
    for (size_t s = 0; ok && s < 16; s++) {
        size_t i = (s == 0) ? 0 : (s == 1) ? n - 1 : (s * 2654435761u) % n;
        size_t j = (s == 0) ? 0 : (s == 1) ? n - 1 : (s * 40503u + 7) % n;
        double ref = 0.0;
        for (size_t k = 0; k < n; k++) ref += a[i * n + k] * b[k * n + j];
        if (ref != c[i * n + j]) ok = 0;
    }
    free(r);
    return ok;
}

int main(int argc, char **argv) {
    long size = 0;
    double duration = 0.0, warmup = 0.0;
    if (argc < 3 || argc > 4 || !parse_int(argv[1], &size) || size < 1 || size > MMB_MAX_SIZE ||
        !parse_seconds(argv[2], &duration) || !(duration > 0.0) ||
        (argc == 4 && (!parse_seconds(argv[3], &warmup) || !(warmup >= 0.0)))) {
        usage();
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0); /* a pipe or a container log: flush every line */
    /* MMB_PROGRESS=0 switches the BENCH_PROGRESS lines off: the same binary with and without them, for
       bench/progress-cost.sh */
    const char *progress_env = getenv("MMB_PROGRESS");
    const int progress = !(progress_env && strcmp(progress_env, "0") == 0);
    printf("MMB_READY size=%ld duration=%.9g warmup=%.9g compiler=%s flags=\"%s\" target=%s\n", size, duration, warmup,
           MMB_COMPILER, MMB_FLAGS, MMB_TARGET);
    fflush(stdout);

    const size_t n = (size_t)size;
    double *a = alloc_matrix(n), *b = alloc_matrix(n), *c0 = alloc_matrix(n), *c1 = alloc_matrix(n);
    if (!a || !b || !c0 || !c1) {
        fprintf(stderr, "mmb: out of memory for 4 matrices of %zux%zu doubles\n", n, n);
        return 1;
    }
    init_matrices(n, a, b);

    /* warmup: whole multiplications for WARMUP_S seconds (none when 0) */
    if (warmup > 0.0) {
        const double w0 = now_s();
        do matmul(n, a, b, c1);
        while (now_s() - w0 < warmup);
    }

    puts("BENCH_START");
    fflush(stdout);
    /* timed loop: whole multiplications until DURATION_S has elapsed; the first product goes to c0 and is
       kept for the check, the others to c1 */
    long iterations = 0;
    const double t0 = now_s();
    double t1, next_progress = progress ? MMB_PROGRESS_S : INFINITY;
    do {
        matmul(n, a, b, iterations == 0 ? c0 : c1);
        iterations++;
        t1 = now_s();
        /* throughput over time: after the first iteration that ends >= MMB_PROGRESS_S after the previous line */
        if (t1 - t0 >= next_progress && t1 - t0 < duration - MMB_PROGRESS_QUIET_S) {
            printf("BENCH_PROGRESS t=%.6f iterations=%ld\n", t1 - t0, iterations);
            fflush(stdout);
            next_progress = t1 - t0 + MMB_PROGRESS_S;
        }
    } while (t1 - t0 < duration);
    puts("BENCH_END");
    fflush(stdout);

    const double elapsed = t1 - t0;
    int valid = check_product(n, a, b, c0);
    if (iterations > 1 && memcmp(c0, c1, n * n * sizeof(double)) != 0) valid = 0;
    const double mflops = 2.0 * (double)n * (double)n * (double)n * (double)iterations / elapsed / 1e6;

    printf("iterations=%ld\n", iterations);
    printf("throughput_mflops=%.3f\n", mflops);
    printf("elapsed_s=%.6f\n", elapsed);
    printf("valid=%s\n", valid ? "true" : "false");
    fflush(stdout);
    free(a);
    free(b);
    free(c0);
    free(c1);
    return valid ? 0 : 1;
}
