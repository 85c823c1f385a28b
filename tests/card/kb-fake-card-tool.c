/* kb-fake-card-tool.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A developer's virtual card: inserts a fake card into the vpcd virtual
 * reader and keeps it there until SIGTERM or SIGINT, then takes it out.
 *
 *   kb-fake-card --port=35963 --uid=04A1B2C3D4E5F6 [--refuse-uid]
 */

#include "config.h"

#include <glib-unix.h>
#include <stdlib.h>

#include "kb-fake-card.h"

static gboolean
on_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

/* When pcscd stops, the driver drops the card; put it back once pcscd is
 * there again, as if the operator had left it in the reader. */
static gboolean
check_card (gpointer user_data)
{
  KbFakeCard *card = user_data;
  static gboolean dropped = FALSE;

  if (kb_fake_card_is_inserted (card))
    return G_SOURCE_CONTINUE;

  if (!dropped)
    g_printerr ("kb-fake-card: the reader dropped the card (pcscd stopped?); "
                "inserting it again when it is back\n");
  dropped = TRUE;

  if (kb_fake_card_insert (card, NULL))
    {
      g_printerr ("kb-fake-card: inserted again\n");
      dropped = FALSE;
    }

  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) uid = NULL;
  g_autoptr(GByteArray) atr = NULL;
  g_autoptr(KbFakeCard) card = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *uid_hex = NULL;
  g_autofree char *atr_hex = NULL;
  gboolean refuse_uid = FALSE;
  int port = 0x8C7B;
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      "The virtual reader's port on 127.0.0.1 (default 35963, as in /etc/reader.conf.d/vpcd)",
      "N" },
    { "uid", 'u', 0, G_OPTION_ARG_STRING, &uid_hex, "The card's UID in hex", "HEX" },
    { "atr", 'a', 0, G_OPTION_ARG_STRING, &atr_hex,
      "The card's ATR in hex (default: a MIFARE Classic 1K)", "HEX" },
    { "refuse-uid", 0, 0, G_OPTION_ARG_NONE, &refuse_uid,
      "Answer GET DATA (UID) with 6A 81, like a card without one", NULL },
    { NULL }
  };

  context = g_option_context_new ("- put a fake card into the virtual reader");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("kb-fake-card: %s\n", error->message);
      return 2;
    }

  if (uid_hex == NULL)
    {
      g_printerr ("kb-fake-card: --uid is required\n");
      return 2;
    }
  if (port <= 0 || port > 65535)
    {
      g_printerr ("kb-fake-card: --port must be between 1 and 65535\n");
      return 2;
    }
  if (!kb_fake_card_parse_hex (uid_hex, &uid, &error)
      || (atr_hex != NULL && !kb_fake_card_parse_hex (atr_hex, &atr, &error)))
    {
      g_printerr ("kb-fake-card: %s\n", error->message);
      return 2;
    }

  card = kb_fake_card_new (port, uid->data, uid->len,
                           atr ? atr->data : NULL, atr ? atr->len : 0);
  kb_fake_card_set_refuse_uid (card, refuse_uid);

  if (!kb_fake_card_insert (card, &error))
    {
      g_printerr ("kb-fake-card: %s\n", error->message);
      return 1;
    }
  g_print ("kb-fake-card: inserted into 127.0.0.1:%d; Ctrl+C takes it out\n", port);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_timeout_add (500, check_card, card);
  g_main_loop_run (loop);

  kb_fake_card_remove (card);
  g_print ("kb-fake-card: removed\n");

  return EXIT_SUCCESS;
}
