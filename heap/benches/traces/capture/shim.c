/*
 * malloc_trace.so: an LD_PRELOAD shim that logs every call of the malloc family of one
 * process, in the order the calls happened, to $TRACE_DIR/<pid>.raw.
 *
 *   program ──► malloc/free/... (this shim) ──► glibc's __libc_malloc & co (the real work)
 *                        │  under one lock, so the log order is the real order
 *                        └─► 40-byte record { op, ptr, old, size, align } ──► buffer ──► file
 *
 * The real functions are glibc's exported __libc_* entry points, so no dlsym is needed and
 * nothing here allocates (dlsym may call calloc, which would recurse into the shim). Every
 * process writes its own file: a forked child drops the parent's buffered records and
 * opens a file for its own pid (the lock is held across fork, so no record is torn).
 * Records are flushed when the buffer fills and at exit; a process that execs loses the
 * records it had not flushed, so trace processes that do not exec themselves.
 * normalize.py turns a raw log into the replayable trace format.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);

enum op { OP_MALLOC = 0, OP_FREE = 1, OP_REALLOC = 2, OP_CALLOC = 3, OP_MEMALIGN = 4 };

struct record {
    uint64_t op, ptr, old, size, align;
};

#define RECORDS 32768
static struct record buffer[RECORDS];
static size_t used;
static int fd = -1;
/* $TRACE_DIR, read at load time: some programs (nginx) clear their environment. */
static char dir[4000] = "/tmp";
static atomic_flag lock = ATOMIC_FLAG_INIT;

static void acquire(void) {
    while (atomic_flag_test_and_set_explicit(&lock, memory_order_acquire))
        ;
}

static void release(void) { atomic_flag_clear_explicit(&lock, memory_order_release); }

/* Writes the buffered records to this process's file. */
static void flush(void) {
    if (fd < 0) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%d.raw", dir, (int)getpid());
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    }
    const char *bytes = (const char *)buffer;
    size_t left = used * sizeof buffer[0];
    while (fd >= 0 && left > 0) {
        ssize_t written = write(fd, bytes, left);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            break;
        bytes += written;
        left -= (size_t)written;
    }
    used = 0;
}

/* Appends a record; the caller holds the lock. */
static void note(uint64_t op, void *ptr, void *old, size_t size, size_t align) {
    buffer[used++] = (struct record){op, (uint64_t)ptr, (uint64_t)old, size, align};
    if (used == RECORDS)
        flush();
}

static void flush_locked(void) {
    acquire();
    flush();
    release();
}

/* A forked child starts an empty log of its own; the parent's records stay the parent's. */
static void child_after_fork(void) {
    used = 0;
    if (fd >= 0)
        close(fd);
    fd = -1;
    release();
}

__attribute__((constructor)) static void at_start(void) {
    const char *from = getenv("TRACE_DIR");
    if (from)
        snprintf(dir, sizeof dir, "%s", from);
    pthread_atfork(acquire, release, child_after_fork);
}

__attribute__((destructor)) static void at_exit(void) { flush_locked(); }

void *malloc(size_t size) {
    acquire();
    void *ptr = __libc_malloc(size);
    note(OP_MALLOC, ptr, 0, size, 16);
    release();
    return ptr;
}

void *calloc(size_t count, size_t size) {
    acquire();
    void *ptr = __libc_calloc(count, size);
    note(OP_CALLOC, ptr, 0, count * size, 16);
    release();
    return ptr;
}

void *realloc(void *old, size_t size) {
    acquire();
    void *ptr = __libc_realloc(old, size);
    note(OP_REALLOC, ptr, old, size, 16);
    release();
    return ptr;
}

void *reallocarray(void *old, size_t count, size_t size) {
    size_t bytes;
    if (__builtin_mul_overflow(count, size, &bytes)) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(old, bytes);
}

void free(void *ptr) {
    acquire();
    __libc_free(ptr);
    note(OP_FREE, 0, ptr, 0, 0);
    release();
}

void *memalign(size_t align, size_t size) {
    acquire();
    void *ptr = __libc_memalign(align, size);
    note(OP_MEMALIGN, ptr, 0, size, align);
    release();
    return ptr;
}

int posix_memalign(void **out, size_t align, size_t size) {
    if (align % sizeof(void *) != 0 || (align & (align - 1)) != 0)
        return EINVAL;
    void *ptr = memalign(align, size);
    if (!ptr)
        return ENOMEM;
    *out = ptr;
    return 0;
}

void *aligned_alloc(size_t align, size_t size) { return memalign(align, size); }

void *valloc(size_t size) { return memalign((size_t)sysconf(_SC_PAGESIZE), size); }

void *pvalloc(size_t size) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return memalign(page, (size + page - 1) / page * page);
}
