/* main.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "kb-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KbApplication) app = NULL;
  const char *localedir = g_getenv ("KANRIBO_LOCALEDIR");

  setlocale (LC_ALL, "");
  /* KANRIBO_LOCALEDIR lets the tests and the demo run from the build tree. */
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = kb_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
