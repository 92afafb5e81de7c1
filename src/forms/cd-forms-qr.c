/* cd-forms-qr.c: the QR code on every page that lets a scanned, signed document find its application again. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <qrencode.h>

#include "cd-forms-private.h"

char *
cd_forms_qr_payload (const char *number, const char *document, guint copy, guint page, guint pages,
                     const char *form)
{
  GString *s = g_string_new ("CERTDESK:");

  g_return_val_if_fail (number != NULL && document != NULL, NULL);
  g_string_append_printf (s, "APP=%s;DOC=%s;COPY=%u;PAGE=%u/%u", number, document, copy, page, pages);
  if (form)
    g_string_append_printf (s, ";FORM=%s", form);
  return g_string_free (s, FALSE);
}

/* Drawn as vector squares (no image): sharp at any printer resolution and a few hundred bytes. The
 * quiet zone is the blank margin the layouts keep around CD_FORMS_QR_*. */
void
cd_forms_draw_qr (CdFormsDoc *doc, HPDF_Page page, const char *payload)
{
  QRcode *qr = QRcode_encodeString (payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  double module, x0, y0;

  if (qr == NULL)
    {
      /* Only an impossible payload (kilobytes long) gets here; the page stays usable without it. */
      g_warning ("Cannot encode the QR code “%s”", payload);
      return;
    }
  module = cd_forms_pt (CD_FORMS_QR_SIZE) / qr->width;
  x0 = cd_forms_pt (CD_FORMS_QR_X + doc->off_x);
  y0 = cd_forms_pt (CD_FORMS_PAGE_H - CD_FORMS_QR_Y - doc->off_y);

  HPDF_Page_SetGrayFill (page, 0);
  for (int row = 0; row < qr->width; row++)
    for (int col = 0; col < qr->width;)
      {
        int run = 0;

        while (col + run < qr->width && (qr->data[row * qr->width + col + run] & 1))
          run++;
        if (run == 0)
          {
            col++;
            continue;
          }
        /* A hair of overlap keeps renderers from drawing seams between neighbouring squares. */
        HPDF_Page_Rectangle (page, x0 + col * module, y0 - (row + 1) * module - 0.02, run * module + 0.02,
                             module + 0.04);
        col += run;
      }
  HPDF_Page_Fill (page);
  QRcode_free (qr);
}
