/* kb-era.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kb-era.h"

/* Newest first. Each era starts on the day the previous one ends; a date
 * before the first day of the last era here is written in the Western
 * calendar, which no register of ours will ever need. The names are not
 * translated: the era is how Japanese forms write a date, whatever the
 * language of the rest of the page. */
static const struct {
  const char *name;
  int year;
  int month;
  int day;
} eras[] = {
  { "令和", 2019, 5, 1 },
  { "平成", 1989, 1, 8 },
  { "昭和", 1926, 12, 25 },
};

static int
date_key (int year,
          int month,
          int day)
{
  return year * 10000 + month * 100 + day;
}

/* The era @year-@month-@day belongs to, or -1 before the table. */
static int
find_era (int year,
          int month,
          int day)
{
  int key = date_key (year, month, day);

  for (guint i = 0; i < G_N_ELEMENTS (eras); i++)
    if (key >= date_key (eras[i].year, eras[i].month, eras[i].day))
      return (int) i;
  return -1;
}

/* "令和8年", or "令和元年" for the era's first year. */
static char *
format_era_year (int era,
                 int year)
{
  int era_year = year - eras[era].year + 1;

  if (era_year == 1)
    return g_strdup_printf ("%s元年", eras[era].name);
  return g_strdup_printf ("%s%d年", eras[era].name, era_year);
}

/**
 * kb_era_format_date:
 * @date: a date; its own time zone decides the day
 *
 * Formats @date in the Japanese era: "令和8年11月26日", "令和元年5月1日".
 *
 * Returns: (transfer full): the date
 */
char *
kb_era_format_date (GDateTime *date)
{
  int year, month, day, era;
  g_autofree char *era_year = NULL;

  g_return_val_if_fail (date != NULL, NULL);

  g_date_time_get_ymd (date, &year, &month, &day);
  era = find_era (year, month, day);
  if (era < 0)
    return g_strdup_printf ("%d年%d月%d日", year, month, day);

  era_year = format_era_year (era, year);
  return g_strdup_printf ("%s%d月%d日", era_year, month, day);
}

/**
 * kb_era_format_month:
 * @year: the Western year
 * @month: 1 to 12
 *
 * Formats a month in the Japanese era: "令和8年11月". A month in which
 * the era changed is written in the era of its first day, as the register
 * for it was opened on that day: 2019-04 is "平成31年4月", 2019-05 is
 * "令和元年5月", and 1989-01 is "昭和64年1月".
 *
 * Returns: (transfer full): the month
 */
char *
kb_era_format_month (int year,
                     int month)
{
  g_autofree char *era_year = NULL;
  int era;

  g_return_val_if_fail (month >= 1 && month <= 12, NULL);

  era = find_era (year, month, 1);
  if (era < 0)
    return g_strdup_printf ("%d年%d月", year, month);

  era_year = format_era_year (era, year);
  return g_strdup_printf ("%s%d月", era_year, month);
}
