/* SPDX-License-Identifier: Apache-2.0 */
#include "net.h"

/* H. Hinnant's days_from_civil; years 0..9999 keep the day count in 32 bits. */
int64_t hcsms_utc_from_civil(int year, int month, int day, int hour, int minute, int second)
{
    long y = year - (month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return (int64_t)(era * 146097 + doe - 719468) * 86400 + (long)hour * 3600 +
           (long)minute * 60 + second;
}
