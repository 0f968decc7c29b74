/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lwIP OS-layer types for the mps2-an386 test board's cooperative threads
 * (os.c). On FreeRTOS these are SemaphoreHandle_t / QueueHandle_t /
 * TaskHandle_t (lwIP's contrib/ports/freertos).
 */
#ifndef HCSMS_MPS2_ARCH_SYS_ARCH_H
#define HCSMS_MPS2_ARCH_SYS_ARCH_H

#include <stdint.h>

struct os_mbox;
struct os_thread;

typedef struct os_sem {
    volatile uint32_t count;
    uint8_t valid;
} sys_sem_t;

typedef struct os_mutex {
    struct os_thread *owner;
    uint32_t depth;
    uint8_t valid;
} sys_mutex_t;

typedef struct os_mbox *sys_mbox_t;
typedef struct os_thread *sys_thread_t;
typedef uint32_t sys_prot_t;

#define SYS_MBOX_NULL NULL

#define sys_sem_valid(sem)           ((sem) != NULL && (sem)->valid)
#define sys_sem_set_invalid(sem)     do { if ((sem) != NULL) { (sem)->valid = 0; } } while (0)
#define sys_mutex_valid(mutex)       ((mutex) != NULL && (mutex)->valid)
#define sys_mutex_set_invalid(mutex) do { if ((mutex) != NULL) { (mutex)->valid = 0; } } while (0)
#define sys_mbox_valid(mbox)         ((mbox) != NULL && *(mbox) != NULL)
#define sys_mbox_set_invalid(mbox)   do { if ((mbox) != NULL) { *(mbox) = NULL; } } while (0)

#endif
