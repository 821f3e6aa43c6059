/*
 * RobotHost scalar guard: defers TorchSharp's frees of native c10::Scalar objects by a few seconds.
 *
 * Why: TorchSharp 0.107 turns every number passed to a tensor method (and the implicit alpha of `a + b`) into a
 * Scalar object with a finalizer. The object is unreachable as soon as its native handle is read, so a garbage
 * collection started by any other thread while the op runs lets the finalizer thread free the native Scalar before
 * libtorch reads it. Training then fails at random with c10 "Expected false to be true ... toFloat (Scalar.h:140)",
 * "For integral input tensors, argument alpha must not be a floating point number", or silent garbage.
 * The upstream fix is pending (dotnet/TorchSharp PR 1496). Until then this library stands in front of
 * libLibTorchSharp.so: it forwards every symbol (it depends on that library, so the loader finds them through it)
 * and replaces only THSTorch_dispose_scalar, which queues the pointer and frees it once it is older than
 * ROBOTHOST_SCALAR_DELAY_NS — far longer than any op takes to read its arguments. Memory held: one small object per
 * Scalar finalized in the last seconds.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#define ROBOTHOST_SCALAR_DELAY_NS 3000000000LL

typedef void (*dispose_fn)(void *);

struct pending { void *scalar; int64_t queued; };

void THSTorch_dispose_scalar(void *scalar);

static pthread_mutex_t guard_lock = PTHREAD_MUTEX_INITIALIZER;
static dispose_fn real_dispose;
static int resolved;
static struct pending *ring;
static size_t ring_capacity, ring_head, ring_count;
static uint64_t total_deferred, total_freed;

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Call with the lock held. */
static void resolve_locked(void)
{
    if (resolved) return;
    real_dispose = (dispose_fn)dlsym(RTLD_NEXT, "THSTorch_dispose_scalar");
    if (real_dispose == THSTorch_dispose_scalar) real_dispose = NULL;
    resolved = 1;
}

static int grow(void)
{
    size_t capacity = ring_capacity ? ring_capacity * 2 : 4096;
    struct pending *bigger = malloc(capacity * sizeof *bigger);
    if (!bigger) return 0;
    for (size_t i = 0; i < ring_count; i++) bigger[i] = ring[(ring_head + i) % ring_capacity];
    free(ring);
    ring = bigger;
    ring_capacity = capacity;
    ring_head = 0;
    return 1;
}

__attribute__((visibility("default"))) void THSTorch_dispose_scalar(void *scalar)
{
    if (!scalar) return;
    int64_t now = now_ns();
    pthread_mutex_lock(&guard_lock);
    resolve_locked();
    while (ring_count && now - ring[ring_head].queued >= ROBOTHOST_SCALAR_DELAY_NS) {
        if (real_dispose) real_dispose(ring[ring_head].scalar);
        ring_head = (ring_head + 1) % ring_capacity;
        ring_count--;
        total_freed++;
    }
    if (ring_count < ring_capacity || grow()) {
        ring[(ring_head + ring_count) % ring_capacity] = (struct pending){ scalar, now };
        ring_count++;
        total_deferred++;
    }
    /* else: out of memory for the queue — leaking one Scalar is safer than freeing it under a running op */
    pthread_mutex_unlock(&guard_lock);
}

/* For diagnostics and tests: Scalars queued so far, freed so far, and whether the real free was found. */
__attribute__((visibility("default"))) void robothost_scalar_guard_stats(uint64_t *deferred, uint64_t *freed, int32_t *forwarding)
{
    pthread_mutex_lock(&guard_lock);
    resolve_locked();
    *deferred = total_deferred;
    *freed = total_freed;
    *forwarding = real_dispose != NULL;
    pthread_mutex_unlock(&guard_lock);
}
