/* kb-fake-card.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The vpcd protocol: every message, both ways, is a 2-byte big-endian
 * length and a payload. From the driver, a 1-byte payload is a control
 * message (00 power off, 01 power on, 02 reset, 04 get ATR; only the last
 * is answered, with the ATR); anything longer is a C-APDU, answered with an
 * R-APDU. The card is the TCP client; it only ever connects to 127.0.0.1.
 */

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kb-fake-card.h"

const guint8 kb_fake_card_default_atr[20] = {
  0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00,
  0x03, 0x06, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x6A,
};

#define VPCD_CTRL_OFF   0x00
#define VPCD_CTRL_ON    0x01
#define VPCD_CTRL_RESET 0x02
#define VPCD_CTRL_ATR   0x04

struct _KbFakeCard {
  guint16   port;
  GBytes   *uid;
  GBytes   *atr;

  GMutex    lock;
  GCond     cond;
  gboolean  refuse_uid;
  guint     uid_delay_ms;
  int       fd;             /* -1 when not inserted */
  gboolean  removing;       /* remove() is closing the connection */
  gboolean  peer_closed;    /* the driver dropped us (pcscd went away) */
  guint     uid_requests;
  guint     atr_requests;
  gint64    removed_time;
  GThread  *thread;
};

/**
 * kb_fake_card_new:
 * @port: the vpcd port on 127.0.0.1 (the reader's CHANNELID)
 * @uid: (array length=uid_len): what GET DATA (FF CA 00 00) answers
 * @atr: (array length=atr_len) (nullable): the ATR, or %NULL for
 *   kb_fake_card_default_atr
 *
 * Returns: (transfer full): a card, not inserted yet
 */
KbFakeCard *
kb_fake_card_new (guint16       port,
                  const guint8 *uid,
                  gsize         uid_len,
                  const guint8 *atr,
                  gsize         atr_len)
{
  KbFakeCard *card = g_new0 (KbFakeCard, 1);

  g_return_val_if_fail (uid_len <= 254, NULL);

  if (atr == NULL)
    {
      atr = kb_fake_card_default_atr;
      atr_len = sizeof kb_fake_card_default_atr;
    }

  card->port = port;
  card->uid = g_bytes_new (uid, uid_len);
  card->atr = g_bytes_new (atr, atr_len);
  card->fd = -1;
  g_mutex_init (&card->lock);
  g_cond_init (&card->cond);

  return card;
}

/* Answer GET DATA (UID) with 6A 81, "function not supported", as readers
 * and cards without a UID do. */
void
kb_fake_card_set_refuse_uid (KbFakeCard *card,
                             gboolean    refuse)
{
  g_mutex_lock (&card->lock);
  card->refuse_uid = refuse;
  g_mutex_unlock (&card->lock);
}

/* Make GET DATA (UID) take this long to answer: keeps whoever asked busy. */
void
kb_fake_card_set_uid_delay (KbFakeCard *card,
                            guint       delay_ms)
{
  g_mutex_lock (&card->lock);
  card->uid_delay_ms = delay_ms;
  g_mutex_unlock (&card->lock);
}

static gboolean
read_full (int     fd,
           guint8 *buffer,
           gsize   len)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t r = recv (fd, buffer + done, len - done, 0);

      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        return FALSE;
      done += r;
    }

  return TRUE;
}

static gboolean
send_message (int           fd,
              const guint8 *payload,
              gsize         len)
{
  g_autofree guint8 *message = g_malloc (len + 2);
  gsize done = 0;

  message[0] = len >> 8;
  message[1] = len & 0xFF;
  memcpy (message + 2, payload, len);

  while (done < len + 2)
    {
      ssize_t r = send (fd, message + done, len + 2 - done, MSG_NOSIGNAL);

      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return FALSE;
      done += r;
    }

  return TRUE;
}

/* Returns: %FALSE when remove() interrupted the wait. */
static gboolean
wait_unless_removed (KbFakeCard *card,
                     guint       delay_ms)
{
  gint64 end = g_get_monotonic_time () + delay_ms * G_TIME_SPAN_MILLISECOND;
  gboolean removing;

  g_mutex_lock (&card->lock);
  while (!card->removing && g_cond_wait_until (&card->cond, &card->lock, end))
    ;
  removing = card->removing;
  g_mutex_unlock (&card->lock);

  return !removing;
}

static GByteArray *
answer_apdu (KbFakeCard   *card,
             const guint8 *apdu,
             gsize         len)
{
  GByteArray *answer = g_byte_array_new ();
  static const guint8 not_supported[] = { 0x6A, 0x81 };
  static const guint8 ins_not_supported[] = { 0x6D, 0x00 };
  static const guint8 ok[] = { 0x90, 0x00 };

  /* PC/SC part 3 GET DATA, P1 00: the UID. (P1 01, the ATS historical
   * bytes, is refused like everything we don't do.) */
  if (len >= 4 && apdu[0] == 0xFF && apdu[1] == 0xCA && apdu[2] == 0x00 && apdu[3] == 0x00)
    {
      gboolean refuse;
      guint delay;

      g_mutex_lock (&card->lock);
      card->uid_requests++;
      refuse = card->refuse_uid;
      delay = card->uid_delay_ms;
      g_mutex_unlock (&card->lock);

      if (delay > 0 && !wait_unless_removed (card, delay))
        {
          g_byte_array_unref (answer);
          return NULL;
        }

      if (refuse)
        {
          g_byte_array_append (answer, not_supported, sizeof not_supported);
        }
      else
        {
          gsize uid_len;
          const guint8 *uid = g_bytes_get_data (card->uid, &uid_len);

          g_byte_array_append (answer, uid, uid_len);
          g_byte_array_append (answer, ok, sizeof ok);
        }
    }
  else if (len >= 2 && apdu[0] == 0xFF && apdu[1] == 0xCA)
    {
      g_byte_array_append (answer, not_supported, sizeof not_supported);
    }
  else
    {
      g_byte_array_append (answer, ins_not_supported, sizeof ins_not_supported);
    }

  return answer;
}

static gpointer
serve (gpointer data)
{
  KbFakeCard *card = data;
  int fd = card->fd;
  int one = 1;

  for (;;)
    {
      g_autofree guint8 *payload = NULL;
      guint8 header[2];
      gsize len;

      if (!read_full (fd, header, sizeof header))
        break;
      /* The driver sends the length and the payload in two writes, with
       * Nagle on: the payload waits for our ACK of the length, which Linux
       * delays by 40 ms unless asked to send it now. */
      setsockopt (fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
      len = (header[0] << 8) | header[1];
      payload = g_malloc (MAX (len, 1));
      if (!read_full (fd, payload, len))
        break;

      if (len == 1)
        {
          if (payload[0] == VPCD_CTRL_ATR)
            {
              gsize atr_len;
              const guint8 *atr = g_bytes_get_data (card->atr, &atr_len);

              g_mutex_lock (&card->lock);
              card->atr_requests++;
              g_mutex_unlock (&card->lock);

              if (!send_message (fd, atr, atr_len))
                break;
            }
          /* Power off, power on and reset need no answer. */
        }
      else if (len > 1)
        {
          GByteArray *answer = answer_apdu (card, payload, len);
          gboolean sent;

          if (answer == NULL)
            break;
          sent = send_message (fd, answer->data, answer->len);
          g_byte_array_unref (answer);
          if (!sent)
            break;
        }
    }

  g_mutex_lock (&card->lock);
  if (!card->removing)
    card->peer_closed = TRUE;
  g_mutex_unlock (&card->lock);

  return NULL;
}

/**
 * kb_fake_card_insert:
 *
 * Connects to the driver on 127.0.0.1 and starts answering it. Returns once
 * connected; the driver notices the card at its next poll.
 *
 * Returns: %TRUE when inserted (or already in)
 */
gboolean
kb_fake_card_insert (KbFakeCard  *card,
                     GError     **error)
{
  struct sockaddr_in address = { 0 };
  int one = 1;
  int fd;

  if (card->fd >= 0 && !kb_fake_card_is_inserted (card))
    kb_fake_card_remove (card);   /* the driver dropped us: reconnect */
  if (card->fd >= 0)
    return TRUE;

  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "socket: %s", g_strerror (saved));
      return FALSE;
    }

  /* Every message is one small write; don't let Nagle hold it back. */
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  address.sin_family = AF_INET;
  address.sin_port = g_htons (card->port);
  address.sin_addr.s_addr = g_htonl (INADDR_LOOPBACK);

  while (connect (fd, (struct sockaddr *) &address, sizeof address) < 0)
    {
      int saved = errno;

      if (saved == EINTR)
        continue;
      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot connect to the virtual reader on 127.0.0.1:%u: %s",
                   card->port, g_strerror (saved));
      return FALSE;
    }

  g_mutex_lock (&card->lock);
  card->fd = fd;
  card->removing = FALSE;
  card->peer_closed = FALSE;
  card->removed_time = 0;
  card->atr_requests = 0;
  g_mutex_unlock (&card->lock);

  card->thread = g_thread_new ("kb-fake-card", serve, card);
  return TRUE;
}

/**
 * kb_fake_card_remove:
 *
 * Takes the card out: closes the connection (the driver notices at its next
 * poll) and records when, for kb_fake_card_get_removed_time().
 */
void
kb_fake_card_remove (KbFakeCard *card)
{
  int fd = card->fd;

  if (fd < 0)
    return;

  g_mutex_lock (&card->lock);
  card->removing = TRUE;
  g_cond_broadcast (&card->cond);
  g_mutex_unlock (&card->lock);

  /* shutdown() sends the FIN now and wakes the thread's recv(); close()
   * waits until the thread no longer uses the descriptor. */
  shutdown (fd, SHUT_RDWR);
  card->removed_time = g_get_monotonic_time ();

  g_clear_pointer (&card->thread, g_thread_join);
  close (fd);
  card->fd = -1;
}

/* Returns: %TRUE while connected and the driver has not dropped us. */
gboolean
kb_fake_card_is_inserted (KbFakeCard *card)
{
  gboolean inserted;

  g_mutex_lock (&card->lock);
  inserted = card->fd >= 0 && !card->peer_closed && !card->removing;
  g_mutex_unlock (&card->lock);

  return inserted;
}

/* Returns: the g_get_monotonic_time() of the last removal, or 0. */
gint64
kb_fake_card_get_removed_time (KbFakeCard *card)
{
  return card->removed_time;
}

/* Returns: how many GET DATA (UID) commands the card got since created. */
guint
kb_fake_card_get_uid_requests (KbFakeCard *card)
{
  guint n;

  g_mutex_lock (&card->lock);
  n = card->uid_requests;
  g_mutex_unlock (&card->lock);

  return n;
}

/* Returns: how many times the driver asked for the ATR since the last
 * insertion; the driver does at every poll, so this shows that it has
 * noticed the card. */
guint
kb_fake_card_get_atr_requests (KbFakeCard *card)
{
  guint n;

  g_mutex_lock (&card->lock);
  n = card->atr_requests;
  g_mutex_unlock (&card->lock);

  return n;
}

void
kb_fake_card_free (KbFakeCard *card)
{
  if (card == NULL)
    return;

  kb_fake_card_remove (card);
  g_bytes_unref (card->uid);
  g_bytes_unref (card->atr);
  g_mutex_clear (&card->lock);
  g_cond_clear (&card->cond);
  g_free (card);
}

/**
 * kb_fake_card_parse_hex:
 * @hex: hex digits, optionally separated by spaces or colons
 * @out: (out) (transfer full): the bytes
 *
 * Returns: %TRUE when @hex was a non-empty, even number of hex digits
 */
gboolean
kb_fake_card_parse_hex (const char  *hex,
                        GByteArray **out,
                        GError     **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  int high = -1;

  for (const char *p = hex; *p != '\0'; p++)
    {
      int digit;

      if (*p == ' ' || *p == ':')
        continue;
      digit = g_ascii_xdigit_value (*p);
      if (digit < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "'%s' is not hexadecimal", hex);
          return FALSE;
        }
      if (high < 0)
        {
          high = digit;
        }
      else
        {
          guint8 byte = (high << 4) | digit;

          g_byte_array_append (bytes, &byte, 1);
          high = -1;
        }
    }

  if (high >= 0 || bytes->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "'%s' is not a whole number of bytes", hex);
      return FALSE;
    }

  *out = g_steal_pointer (&bytes);
  return TRUE;
}
