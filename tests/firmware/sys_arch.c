/*
 * lwIP's OS layer (sys_arch) for the firmware link test.
 *
 * Debian ships no RTOS sources (no FreeRTOS package), so the semaphores,
 * mutexes, mailboxes and threads below are LINK-ONLY STUBS: they exist so
 * that lwIP's socket API links exactly as it would on a device, and they
 * stop the CPU if ever called. On a device this file is the RTOS's port
 * (lwIP's contrib/ports/freertos/sys_arch.c, or the vendor SDK's). Their
 * size is not part of the lwIP figure that size.sh reports, and a real
 * port's is small (about 1-2 KB).
 *
 * Real, not stubs: sys_now() (SysTick milliseconds, see startup.c) and the
 * critical sections (PRIMASK, correct on a single-core Cortex-M).
 */
#include "lwip/opt.h"
#include "lwip/sys.h"

#include "firmware.h"

/* LINK-ONLY STUB: reached only if the image is run; a debugger stops here. */
static void link_only_stub(void)
{
    __asm__ volatile("bkpt #0");
    for (;;) {
    }
}

u32_t sys_now(void)
{
    return firmware_ticks_ms();
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

void sys_init(void)
{
    /* Nothing to set up: the tick runs from reset (startup.c). */
}

err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
    /* LINK-ONLY STUB: xSemaphoreCreateCounting(0xffff, count) on FreeRTOS. */
    (void)sem;
    (void)count;
    link_only_stub();
    return ERR_MEM;
}

void sys_sem_signal(sys_sem_t *sem)
{
    /* LINK-ONLY STUB: xSemaphoreGive. */
    (void)sem;
    link_only_stub();
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
    /* LINK-ONLY STUB: xSemaphoreTake with timeout (0 = forever). */
    (void)sem;
    (void)timeout;
    link_only_stub();
    return SYS_ARCH_TIMEOUT;
}

void sys_sem_free(sys_sem_t *sem)
{
    /* LINK-ONLY STUB: vSemaphoreDelete. */
    (void)sem;
    link_only_stub();
}

err_t sys_mutex_new(sys_mutex_t *mutex)
{
    /* LINK-ONLY STUB: xSemaphoreCreateRecursiveMutex. */
    (void)mutex;
    link_only_stub();
    return ERR_MEM;
}

void sys_mutex_lock(sys_mutex_t *mutex)
{
    /* LINK-ONLY STUB: xSemaphoreTakeRecursive(portMAX_DELAY). */
    (void)mutex;
    link_only_stub();
}

void sys_mutex_unlock(sys_mutex_t *mutex)
{
    /* LINK-ONLY STUB: xSemaphoreGiveRecursive. */
    (void)mutex;
    link_only_stub();
}

void sys_mutex_free(sys_mutex_t *mutex)
{
    /* LINK-ONLY STUB: vSemaphoreDelete. */
    (void)mutex;
    link_only_stub();
}

err_t sys_mbox_new(sys_mbox_t *mbox, int size)
{
    /* LINK-ONLY STUB: xQueueCreate(size, sizeof(void *)). */
    (void)mbox;
    (void)size;
    link_only_stub();
    return ERR_MEM;
}

void sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
    /* LINK-ONLY STUB: xQueueSendToBack(portMAX_DELAY). */
    (void)mbox;
    (void)msg;
    link_only_stub();
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
    /* LINK-ONLY STUB: xQueueSendToBack(0). */
    (void)mbox;
    (void)msg;
    link_only_stub();
    return ERR_MEM;
}

err_t sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg)
{
    /* LINK-ONLY STUB: xQueueSendToBackFromISR. */
    (void)mbox;
    (void)msg;
    link_only_stub();
    return ERR_MEM;
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout)
{
    /* LINK-ONLY STUB: xQueueReceive with timeout (0 = forever). */
    (void)mbox;
    (void)msg;
    (void)timeout;
    link_only_stub();
    return SYS_ARCH_TIMEOUT;
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
    /* LINK-ONLY STUB: xQueueReceive(0). */
    (void)mbox;
    (void)msg;
    link_only_stub();
    return SYS_MBOX_EMPTY;
}

void sys_mbox_free(sys_mbox_t *mbox)
{
    /* LINK-ONLY STUB: vQueueDelete. */
    (void)mbox;
    link_only_stub();
}

sys_thread_t sys_thread_new(const char *name, lwip_thread_fn thread, void *arg,
                            int stacksize, int prio)
{
    /* LINK-ONLY STUB: xTaskCreate. */
    (void)name;
    (void)thread;
    (void)arg;
    (void)stacksize;
    (void)prio;
    link_only_stub();
    return NULL;
}

u32_t firmware_lwip_rand(void)
{
    /* LINK-ONLY STUB: a device returns 32 bits from its TRNG here. */
    link_only_stub();
    return 0;
}

void firmware_lwip_assert_failed(void)
{
    link_only_stub();
}
