/* kb-pcscd-harness.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The vpcd driver (Debian vsmartcard-vpcd 3.3) opens two slots per reader
 * entry: "Virtual PCD 00 00" on CHANNELID and "Virtual PCD 00 01" on
 * CHANNELID + 1. It listens on every interface, which is one reason the
 * application ignores virtual readers unless built for tests or the demo.
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <winscard.h>

#include "kb-pcscd-harness.h"

#define PCSCD_RUN_DIR     "/run/pcscd"
#define PCSCD_SOCKET      PCSCD_RUN_DIR "/pcscd.comm"
#define PCSCD_PID_FILE    PCSCD_RUN_DIR "/pcscd.pid"
#define VPCD_DRIVER       "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
#define READY_TIMEOUT_US  (10 * G_TIME_SPAN_SECOND)
#define STOP_TIMEOUT_US   (5 * G_TIME_SPAN_SECOND)
/* How long another pcscd's socket must stay free before we take it. */
#define FREE_FOR_US       (3 * G_TIME_SPAN_SECOND)

struct _KbPcscdHarness {
  guint16      port;
  char        *pcscd;
  char        *driver;
  char        *dir;
  char        *conf_dir;
  char        *log_path;
  char        *readers[2];
  GSubprocess *process;
  guint        starts;
};

/* Missing pcscd or driver, or another pcscd in the way: the card tests
 * cannot run here, which is a skip, not a failure. */
gboolean
kb_pcscd_harness_error_is_skip (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
         || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BUSY)
         || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
}

static char *
find_pcscd (void)
{
  const char *env = g_getenv ("KB_PCSCD");
  char *path;

  if (env != NULL)
    return g_file_test (env, G_FILE_TEST_IS_EXECUTABLE) ? g_strdup (env) : NULL;
  path = g_find_program_in_path ("pcscd");
  if (path == NULL && g_file_test ("/usr/sbin/pcscd", G_FILE_TEST_IS_EXECUTABLE))
    path = g_strdup ("/usr/sbin/pcscd");
  return path;
}

/**
 * kb_pcscd_harness_new:
 * @port: the vpcd port (CHANNELID) of slot 0; slot 1 uses @port + 1
 *
 * Writes the private reader configuration. Starts nothing.
 *
 * Returns: (transfer full) (nullable): a harness, or %NULL with
 *   %G_IO_ERROR_NOT_FOUND when pcscd or the vpcd driver is missing
 */
KbPcscdHarness *
kb_pcscd_harness_new (guint16   port,
                      GError  **error)
{
  g_autoptr(KbPcscdHarness) harness = g_new0 (KbPcscdHarness, 1);
  g_autofree char *conf = NULL;
  g_autofree char *conf_path = NULL;
  const char *driver = g_getenv ("KB_VPCD_DRIVER");

  g_return_val_if_fail (port > 0 && port < 65535, NULL);

  harness->port = port;
  harness->pcscd = find_pcscd ();
  if (harness->pcscd == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "pcscd is not installed (Debian package pcscd)");
      return NULL;
    }

  harness->driver = g_strdup (driver != NULL ? driver : VPCD_DRIVER);
  if (!g_file_test (harness->driver, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "the vpcd driver %s is not installed (Debian package vsmartcard-vpcd)",
                   harness->driver);
      return NULL;
    }

  harness->dir = g_dir_make_tmp ("kb-pcscd-XXXXXX", error);
  if (harness->dir == NULL)
    return NULL;
  harness->conf_dir = g_build_filename (harness->dir, "reader.conf.d", NULL);
  if (g_mkdir (harness->conf_dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "%s: %s", harness->conf_dir, g_strerror (saved));
      return NULL;
    }

  /* Like the system's /etc/reader.conf.d/vpcd, on our own port. */
  conf = g_strdup_printf ("FRIENDLYNAME \"Virtual PCD\"\n"
                          "DEVICENAME   /dev/null:0x%04X\n"
                          "LIBPATH      %s\n"
                          "CHANNELID    0x%04X\n",
                          port, harness->driver, port);
  conf_path = g_build_filename (harness->conf_dir, "vpcd", NULL);
  if (!g_file_set_contents (conf_path, conf, -1, error))
    return NULL;

  harness->readers[0] = g_strdup ("Virtual PCD 00 00");
  harness->readers[1] = g_strdup ("Virtual PCD 00 01");

  return g_steal_pointer (&harness);
}

/* Returns: %TRUE when something accepts connections on pcscd's socket. */
static gboolean
socket_is_served (void)
{
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  gboolean served;
  int fd;

  g_strlcpy (address.sun_path, PCSCD_SOCKET, sizeof address.sun_path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;
  served = connect (fd, (struct sockaddr *) &address, sizeof address) == 0;
  close (fd);

  return served;
}

/* In the child, before exec: if the test dies, so does its pcscd, instead
 * of holding /run/pcscd/pcscd.comm and making the next run skip. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static gboolean
reader_is_listed (const char *wanted)
{
  SCARDCONTEXT context;
  LPSTR readers = NULL;
  DWORD len = SCARD_AUTOALLOCATE;
  gboolean found = FALSE;

  if (SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &context) != SCARD_S_SUCCESS)
    return FALSE;

  if (SCardListReaders (context, NULL, (LPSTR) &readers, &len) == SCARD_S_SUCCESS)
    {
      for (const char *name = readers; name < readers + len && *name != '\0';
           name += strlen (name) + 1)
        found |= strcmp (name, wanted) == 0;
      SCardFreeMemory (context, readers);
    }
  SCardReleaseContext (context);

  return found;
}

/**
 * kb_pcscd_harness_start:
 *
 * Starts the private pcscd and waits until its reader is listed.
 *
 * Returns: %TRUE when running; %FALSE with %G_IO_ERROR_BUSY when another
 *   pcscd serves /run/pcscd/pcscd.comm
 */
gboolean
kb_pcscd_harness_start (KbPcscdHarness  *harness,
                        GError         **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *log_name = NULL;
  gint64 deadline;

  if (harness->process != NULL)
    return TRUE;

  if (socket_is_served ())
    {
      g_autofree char *pid = NULL;

      g_file_get_contents (PCSCD_PID_FILE, &pid, NULL, NULL);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   "another pcscd (pid %s) already serves %s; stop it "
                   "(systemctl stop pcscd.socket pcscd) to run the card tests",
                   pid != NULL ? g_strstrip (pid) : "unknown", PCSCD_SOCKET);
      return FALSE;
    }

  if (g_mkdir_with_parents (PCSCD_RUN_DIR, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot create %s for pcscd: %s", PCSCD_RUN_DIR, g_strerror (saved));
      return FALSE;
    }
  if (access (PCSCD_RUN_DIR, W_OK) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "%s is not writable: pcscd must run as root here", PCSCD_RUN_DIR);
      return FALSE;
    }

  harness->starts++;
  log_name = g_strdup_printf ("pcscd-%u.log", harness->starts);
  g_free (harness->log_path);
  harness->log_path = g_build_filename (harness->dir, log_name, NULL);

  g_ptr_array_add (argv, harness->pcscd);
  g_ptr_array_add (argv, "--foreground");
  g_ptr_array_add (argv, "--config");
  g_ptr_array_add (argv, harness->conf_dir);
  if (g_getenv ("KB_PCSCD_DEBUG") != NULL)
    g_ptr_array_add (argv, "--debug");
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_INHERIT
                                        | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_stdout_file_path (launcher, harness->log_path);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  harness->process = g_subprocess_launcher_spawnv (launcher,
                                                   (const char * const *) argv->pdata,
                                                   error);
  if (harness->process == NULL)
    return FALSE;

  deadline = g_get_monotonic_time () + READY_TIMEOUT_US;
  while (!reader_is_listed (harness->readers[0]))
    {
      if (g_subprocess_get_identifier (harness->process) == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "pcscd exited at once; see %s", harness->log_path);
          g_clear_object (&harness->process);
          return FALSE;
        }
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "pcscd did not list \"%s\" within 10 s; see %s",
                       harness->readers[0], harness->log_path);
          kb_pcscd_harness_kill (harness);
          return FALSE;
        }
      g_usleep (10 * G_TIME_SPAN_MILLISECOND);
    }

  return TRUE;
}

static void
wait_exit (KbPcscdHarness *harness,
           gint64          timeout)
{
  gint64 deadline = g_get_monotonic_time () + timeout;

  while (g_subprocess_get_identifier (harness->process) != NULL
         && g_get_monotonic_time () < deadline)
    g_usleep (2 * G_TIME_SPAN_MILLISECOND);

  if (g_subprocess_get_identifier (harness->process) != NULL)
    g_subprocess_force_exit (harness->process);
  g_subprocess_wait (harness->process, NULL, NULL);
  g_clear_object (&harness->process);
}

/* Stops pcscd the polite way (SIGTERM) and waits for it. */
void
kb_pcscd_harness_stop (KbPcscdHarness *harness)
{
  if (harness->process == NULL)
    return;

  g_subprocess_send_signal (harness->process, SIGTERM);
  wait_exit (harness, STOP_TIMEOUT_US);
}

/* Kills pcscd (SIGKILL), as a crash would: its socket and pid file stay. */
void
kb_pcscd_harness_kill (KbPcscdHarness *harness)
{
  if (harness->process == NULL)
    return;

  g_subprocess_force_exit (harness->process);
  wait_exit (harness, STOP_TIMEOUT_US);
}

/* Stops pcscd if it runs, and starts it again on the same port. */
gboolean
kb_pcscd_harness_restart (KbPcscdHarness  *harness,
                          GError         **error)
{
  kb_pcscd_harness_stop (harness);
  return kb_pcscd_harness_start (harness, error);
}

/**
 * kb_pcscd_harness_start_when_free:
 * @wait_s: how long to wait for another pcscd to go away
 *
 * Like kb_pcscd_harness_start(), but when another pcscd serves the socket
 * (another test binary's), waits for it to go instead of giving up, and
 * then for the socket to stay free for a few seconds: a test that killed
 * its pcscd on purpose restarts it within a second or two, and must not
 * find ours in its place.
 *
 * Returns: %TRUE when running; %FALSE with %G_IO_ERROR_BUSY when the
 *   socket did not come free within @wait_s
 */
gboolean
kb_pcscd_harness_start_when_free (KbPcscdHarness  *harness,
                                  guint            wait_s,
                                  GError         **error)
{
  gint64 deadline = g_get_monotonic_time () + wait_s * G_USEC_PER_SEC;
  gint64 free_since = 0;
  gboolean seen_busy = FALSE;

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();

      if (harness->process == NULL && socket_is_served ())
        {
          seen_busy = TRUE;
          free_since = 0;
        }
      else if (!seen_busy || (free_since != 0 && now - free_since >= FREE_FOR_US))
        {
          g_autoptr(GError) local_error = NULL;

          if (kb_pcscd_harness_start (harness, &local_error))
            return TRUE;
          if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_BUSY))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          seen_busy = TRUE;
          free_since = 0;
        }
      else if (free_since == 0)
        {
          free_since = now;
        }

      if (now > deadline)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                       "another pcscd kept %s for %u s", PCSCD_SOCKET, wait_s);
          return FALSE;
        }
      g_usleep (200 * G_TIME_SPAN_MILLISECOND);
    }
}

/* Waits until pcscd reports the slot empty: a card taken out is only
 * noticed at pcscd's next poll of the virtual reader.
 * Returns: %TRUE when empty within @timeout_ms. */
gboolean
kb_pcscd_harness_wait_empty (KbPcscdHarness *harness,
                             guint           slot,
                             guint           timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  SCARD_READERSTATE state = { 0 };
  SCARDCONTEXT context;
  gboolean empty = FALSE;

  g_return_val_if_fail (slot < G_N_ELEMENTS (harness->readers), FALSE);

  if (SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &context) != SCARD_S_SUCCESS)
    return FALSE;

  state.szReader = harness->readers[slot];
  state.dwCurrentState = SCARD_STATE_UNAWARE;
  while (g_get_monotonic_time () < deadline)
    {
      LONG rv = SCardGetStatusChange (context, 50, &state, 1);

      if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT)
        break;
      if (rv == SCARD_S_SUCCESS)
        state.dwCurrentState = state.dwEventState & ~SCARD_STATE_CHANGED;
      if (state.dwCurrentState & SCARD_STATE_EMPTY)
        {
          empty = TRUE;
          break;
        }
    }
  SCardReleaseContext (context);

  return empty;
}

gboolean
kb_pcscd_harness_is_running (KbPcscdHarness *harness)
{
  return harness->process != NULL && g_subprocess_get_identifier (harness->process) != NULL;
}

guint16
kb_pcscd_harness_get_port (KbPcscdHarness *harness)
{
  return harness->port;
}

/* Returns: the name of slot 0 (on the port) or slot 1 (on port + 1). */
const char *
kb_pcscd_harness_get_reader (KbPcscdHarness *harness,
                             guint           slot)
{
  g_return_val_if_fail (slot < G_N_ELEMENTS (harness->readers), NULL);

  return harness->readers[slot];
}

const char *
kb_pcscd_harness_get_log_path (KbPcscdHarness *harness)
{
  return harness->log_path;
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_dir (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
kb_pcscd_harness_free (KbPcscdHarness *harness)
{
  if (harness == NULL)
    return;

  kb_pcscd_harness_stop (harness);
  /* KB_PCSCD_KEEP=1 keeps the configuration and pcscd's logs. */
  if (harness->dir != NULL && g_getenv ("KB_PCSCD_KEEP") == NULL)
    remove_dir (harness->dir);
  else if (harness->dir != NULL)
    g_printerr ("# pcscd files kept in %s\n", harness->dir);

  g_free (harness->pcscd);
  g_free (harness->driver);
  g_free (harness->dir);
  g_free (harness->conf_dir);
  g_free (harness->log_path);
  g_free (harness->readers[0]);
  g_free (harness->readers[1]);
  g_free (harness);
}
