/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lwIP's OS layer (sys_arch) on a small cooperative scheduler: the test
 * board's stand-in for an RTOS (Debian packages none).
 *
 * Threads switch only when one waits: a semaphore, mutex or mailbox that is
 * not ready makes the waiting thread yield to the next one, round robin.
 * When a whole round changed nothing (os_events did not move), the board
 * idles: it takes frames from the Ethernet controller, or sleeps until the
 * next SysTick (board_idle). lwIP's tcpip thread runs on it unmodified.
 *
 * A FreeRTOS user replaces this file and arch/sys_arch.h by lwIP's
 * contrib/ports/freertos/sys_arch.c (or the vendor SDK's), and calls the
 * Ethernet driver's poll from a task or from the controller's interrupt.
 */
#include <string.h>

#include "lwip/opt.h"
#include "lwip/sys.h"

#include "board.h"

#define OS_MAX_THREADS 3
#define OS_MAX_MBOXES 10
#define OS_MBOX_CAPACITY 16
#define OS_STACK_POOL_BYTES (6 * 1024)

struct os_thread {
    uint32_t *sp;
    lwip_thread_fn entry;
    void *arg;
    uint32_t *stack_bottom, *stack_top;
    const char *name;
};

struct os_mbox {
    void *slots[OS_MBOX_CAPACITY];
    volatile uint32_t head, count;
    uint32_t capacity;
    uint8_t used;
};

volatile uint32_t os_events;

static struct os_thread threads[OS_MAX_THREADS] = {{.name = "main"}};
static unsigned thread_count = 1, current;
static struct os_mbox mboxes[OS_MAX_MBOXES];
static uint64_t stack_pool[OS_STACK_POOL_BYTES / 8];
static size_t stack_pool_used;

/* Save r3-r11 and lr on this stack, store sp in *save, continue on next's
 * stack where the same ten words wait (r3 keeps sp 8-byte aligned). */
__attribute__((naked)) static void os_switch(uint32_t **save __attribute__((unused)),
                                            uint32_t *next __attribute__((unused)))
{
    __asm__ volatile("push {r3-r11, lr}\n\t"
                     "mov r2, sp\n\t"
                     "str r2, [r0]\n\t"
                     "mov sp, r1\n\t"
                     "pop {r3-r11, pc}\n\t");
}

void os_yield(void)
{
    unsigned from = current;

    if (thread_count < 2)
        return;
    current = (current + 1) % thread_count;
    os_switch(&threads[from].sp, threads[current].sp);
}

static void os_thread_start(void)
{
    struct os_thread *self = &threads[current];

    self->entry(self->arg);
    /* lwIP's threads never return; if one does, it yields forever. */
    for (;;)
        os_yield();
}

/* One wait step of a thread whose condition is not met yet. */
static void os_wait(void)
{
    uint32_t seen = os_events;

    os_yield();
    if (os_events == seen)
        board_idle();
}

/* Whether timeout ms have passed since start (timeout 0 = forever). */
static int os_timed_out(uint32_t start, uint32_t timeout)
{
    return timeout != 0 && sys_now() - start >= timeout;
}

sys_thread_t sys_thread_new(const char *name, lwip_thread_fn entry, void *arg, int stacksize, int prio)
{
    struct os_thread *thread;
    size_t bytes = ((size_t)stacksize + 7u) & ~(size_t)7u;
    uint32_t *frame;

    (void)prio;
    LWIP_ASSERT("os: too many threads", thread_count < OS_MAX_THREADS);
    LWIP_ASSERT("os: stack pool exhausted", stack_pool_used + bytes <= sizeof(stack_pool));
    thread = &threads[thread_count];
    thread->name = name;
    thread->entry = entry;
    thread->arg = arg;
    thread->stack_bottom = (uint32_t *)((char *)stack_pool + stack_pool_used);
    thread->stack_top = thread->stack_bottom + bytes / 4;
    stack_pool_used += bytes;
    board_paint_stack(thread->stack_bottom, bytes / 4);
    frame = thread->stack_top - 10; /* r3-r11 = 0, then pc */
    memset(frame, 0, 9 * sizeof(*frame));
    frame[9] = (uint32_t)(uintptr_t)os_thread_start;
    thread->sp = frame;
    thread_count++;
    return thread;
}

size_t os_thread_stack_size(void)
{
    return stack_pool_used;
}

size_t os_thread_stack_used(void)
{
    size_t used = 0;
    unsigned i;

    for (i = 1; i < thread_count; i++)
        used += (size_t)((char *)threads[i].stack_top - (char *)threads[i].stack_bottom) -
                board_stack_unused(threads[i].stack_bottom, threads[i].stack_top);
    return used;
}

void sys_init(void)
{
}

u32_t sys_now(void)
{
    return board_ms();
}

sys_prot_t sys_arch_protect(void)
{
    uint32_t primask;

    __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
    return primask;
}

void sys_arch_unprotect(sys_prot_t primask)
{
    __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
}

/* ---- semaphores ----------------------------------------------------------- */
err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
    sem->count = count;
    sem->valid = 1;
    return ERR_OK;
}

void sys_sem_signal(sys_sem_t *sem)
{
    sem->count++;
    os_events++;
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
    uint32_t start = sys_now();

    while (sem->count == 0) {
        if (os_timed_out(start, timeout))
            return SYS_ARCH_TIMEOUT;
        os_wait();
    }
    sem->count--;
    return sys_now() - start;
}

void sys_sem_free(sys_sem_t *sem)
{
    sem->valid = 0;
}

/* ---- mutexes (recursive: the owner may take it again) --------------------- */
err_t sys_mutex_new(sys_mutex_t *mutex)
{
    mutex->owner = NULL;
    mutex->depth = 0;
    mutex->valid = 1;
    return ERR_OK;
}

void sys_mutex_lock(sys_mutex_t *mutex)
{
    struct os_thread *self = &threads[current];

    while (mutex->depth != 0 && mutex->owner != self)
        os_wait();
    mutex->owner = self;
    mutex->depth++;
}

void sys_mutex_unlock(sys_mutex_t *mutex)
{
    LWIP_ASSERT("os: unlock of a mutex not held", mutex->depth != 0 && mutex->owner == &threads[current]);
    if (--mutex->depth == 0) {
        mutex->owner = NULL;
        os_events++;
    }
}

void sys_mutex_free(sys_mutex_t *mutex)
{
    mutex->valid = 0;
}

/* ---- mailboxes ------------------------------------------------------------ */
err_t sys_mbox_new(sys_mbox_t *mbox, int size)
{
    unsigned i;

    if (size <= 0 || size > OS_MBOX_CAPACITY)
        size = OS_MBOX_CAPACITY;
    for (i = 0; i < OS_MAX_MBOXES; i++) {
        if (!mboxes[i].used) {
            memset(&mboxes[i], 0, sizeof(mboxes[i]));
            mboxes[i].used = 1;
            mboxes[i].capacity = (uint32_t)size;
            *mbox = &mboxes[i];
            return ERR_OK;
        }
    }
    *mbox = NULL;
    return ERR_MEM;
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
    struct os_mbox *box = *mbox;

    if (box->count == box->capacity)
        return ERR_MEM;
    box->slots[(box->head + box->count) % box->capacity] = msg;
    box->count++;
    os_events++;
    return ERR_OK;
}

err_t sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg)
{
    return sys_mbox_trypost(mbox, msg);
}

void sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
    while (sys_mbox_trypost(mbox, msg) != ERR_OK)
        os_wait();
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
    struct os_mbox *box = *mbox;
    void *first;

    if (box->count == 0)
        return SYS_MBOX_EMPTY;
    first = box->slots[box->head];
    box->head = (box->head + 1) % box->capacity;
    box->count--;
    os_events++;
    if (msg != NULL)
        *msg = first;
    return 0;
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout)
{
    uint32_t start = sys_now();

    while (sys_arch_mbox_tryfetch(mbox, msg) == SYS_MBOX_EMPTY) {
        if (os_timed_out(start, timeout))
            return SYS_ARCH_TIMEOUT;
        os_wait();
    }
    return sys_now() - start;
}

void sys_mbox_free(sys_mbox_t *mbox)
{
    if (*mbox != NULL)
        (*mbox)->used = 0;
}
