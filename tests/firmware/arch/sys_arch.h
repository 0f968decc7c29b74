/*
 * lwIP OS-layer types for the firmware link test. On a real device these
 * are the RTOS's handles (FreeRTOS: SemaphoreHandle_t, QueueHandle_t,
 * TaskHandle_t; lwIP's contrib/ports/freertos does exactly this). Here they
 * are opaque pointers, enough for lwIP to compile and link; see sys_arch.c.
 */
#ifndef HCSMS_FIRMWARE_ARCH_SYS_ARCH_H
#define HCSMS_FIRMWARE_ARCH_SYS_ARCH_H

#include <stdint.h>

#define SYS_MBOX_NULL NULL
#define SYS_SEM_NULL  NULL

typedef struct firmware_sys_sem *sys_sem_t;
typedef struct firmware_sys_mutex *sys_mutex_t;
typedef struct firmware_sys_mbox *sys_mbox_t;
typedef struct firmware_sys_thread *sys_thread_t;
typedef uint32_t sys_prot_t;

#define sys_sem_valid(sem)             (((sem) != NULL) && (*(sem) != NULL))
#define sys_sem_set_invalid(sem)       do { if ((sem) != NULL) { *(sem) = NULL; } } while (0)
#define sys_mutex_valid(mutex)         (((mutex) != NULL) && (*(mutex) != NULL))
#define sys_mutex_set_invalid(mutex)   do { if ((mutex) != NULL) { *(mutex) = NULL; } } while (0)
#define sys_mbox_valid(mbox)           (((mbox) != NULL) && (*(mbox) != NULL))
#define sys_mbox_set_invalid(mbox)     do { if ((mbox) != NULL) { *(mbox) = NULL; } } while (0)

#endif /* HCSMS_FIRMWARE_ARCH_SYS_ARCH_H */
