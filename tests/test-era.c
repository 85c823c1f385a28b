/* test-era.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Dates in the Japanese era: the era boundaries, 元年, leap days, and the
 * era a month is written in.
 */

#include "config.h"

#include "kb-era.h"

#include <locale.h>

typedef struct {
  int year, month, day;
  const char *expected;
} DateCase;

static const DateCase date_cases[] = {
  { 1926, 12, 24, "1926年12月24日" },
  { 1926, 12, 25, "昭和元年12月25日" },
  { 1989, 1, 7, "昭和64年1月7日" },
  { 1989, 1, 8, "平成元年1月8日" },
  { 1989, 12, 31, "平成元年12月31日" },
  { 1990, 1, 1, "平成2年1月1日" },
  { 2019, 4, 30, "平成31年4月30日" },
  { 2019, 5, 1, "令和元年5月1日" },
  { 2020, 1, 1, "令和2年1月1日" },
  { 2024, 2, 29, "令和6年2月29日" },
  { 2026, 11, 26, "令和8年11月26日" },
};

static void
test_date (gconstpointer data)
{
  const DateCase *c = data;
  g_autoptr(GDateTime) date = g_date_time_new_utc (c->year, c->month, c->day, 12, 0, 0);
  g_autofree char *text = kb_era_format_date (date);

  g_assert_cmpstr (text, ==, c->expected);
}

/* The day is the one of the GDateTime's own time zone: 2019-04-30 23:30
 * in Tokyo is still Heisei, although it is 14:30 UTC. */
static void
test_date_time_zone (void)
{
  g_autoptr(GTimeZone) tokyo = g_time_zone_new_identifier ("+09:00");
  g_autoptr(GDateTime) late = g_date_time_new (tokyo, 2019, 4, 30, 23, 59, 59);
  g_autoptr(GDateTime) midnight = g_date_time_new (tokyo, 2019, 5, 1, 0, 0, 0);
  g_autoptr(GDateTime) midnight_utc = g_date_time_to_utc (midnight);
  g_autofree char *late_text = kb_era_format_date (late);
  g_autofree char *midnight_text = kb_era_format_date (midnight);
  g_autofree char *utc_text = kb_era_format_date (midnight_utc);

  g_assert_cmpstr (late_text, ==, "平成31年4月30日");
  g_assert_cmpstr (midnight_text, ==, "令和元年5月1日");
  g_assert_cmpstr (utc_text, ==, "平成31年4月30日");
}

typedef struct {
  int year, month;
  const char *expected;
} MonthCase;

static const MonthCase month_cases[] = {
  { 1989, 1, "昭和64年1月" },   /* the era changed on the 8th */
  { 1989, 2, "平成元年2月" },
  { 2019, 4, "平成31年4月" },
  { 2019, 5, "令和元年5月" },
  { 2019, 12, "令和元年12月" },
  { 2026, 11, "令和8年11月" },
};

static void
test_month (gconstpointer data)
{
  const MonthCase *c = data;
  g_autofree char *text = kb_era_format_month (c->year, c->month);

  g_assert_cmpstr (text, ==, c->expected);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (date_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/era/date/%04d-%02d-%02d", date_cases[i].year,
                                               date_cases[i].month, date_cases[i].day);

      g_test_add_data_func (path, &date_cases[i], test_date);
    }
  g_test_add_func ("/era/date/time-zone", test_date_time_zone);
  for (guint i = 0; i < G_N_ELEMENTS (month_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/era/month/%04d-%02d", month_cases[i].year,
                                               month_cases[i].month);

      g_test_add_data_func (path, &month_cases[i], test_month);
    }

  return g_test_run ();
}
