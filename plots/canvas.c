/* canvas.c — see canvas.h. */
#include "canvas.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "atomicfile.h"
#include "fonts.h"
#include "numparse.h"
#include "strbuf.h"

struct ts_canvas {
    ts_canvas_format format;
    char *path;
    ts_atomicfile *file;  /* the temporary file behind PATH */
    cairo_surface_t *surface;
    cairo_t *cr;
    int dpi;
    int write_failed;     /* set by write_stream */
};

/* A PNG larger than this (pixels per side) is a mistake in the options, not a chart. */
enum { MAX_PX = 20000 };

static cairo_status_t write_stream(void *closure, const unsigned char *data, unsigned int length)
{
    ts_canvas *c = closure;
    if (fwrite(data, 1, length, ts_atomicfile_stream(c->file)) != length) {
        c->write_failed = 1;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t write_buffer(void *closure, const unsigned char *data, unsigned int length)
{
    return ts_strbuf_append(closure, data, length) == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_NO_MEMORY;
}

/* The PDF creation date: SOURCE_DATE_EPOCH when set (reproducible-builds.org), else a
 * constant, never the clock — the same input must give the same bytes. */
static void creation_date(char buf[32])
{
    const char *env = getenv("SOURCE_DATE_EPOCH");
    int64_t secs;
    if (env && ts_parse_int64(env, strlen(env), &secs) == 0 && secs >= 0 && secs < INT64_C(253402300800)) {
        time_t t = (time_t)secs;
        struct tm tm;
        if (gmtime_r(&t, &tm) && strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
            return;
    }
    snprintf(buf, 32, "2000-01-01T00:00:00Z");
}

ts_canvas *ts_canvas_open(ts_canvas_format format, const char *path, double width_mm, double height_mm, int dpi,
                          const char *title, ts_err *err)
{
    ts_canvas *c = calloc(1, sizeof *c);
    if (!c || !(c->path = ts_strdup(path))) {
        free(c);
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return NULL;
    }
    c->format = format;
    c->dpi = dpi;
    if (!(c->file = ts_atomicfile_open(path, err))) {
        free(c->path);
        free(c);
        return NULL;
    }
    double w = width_mm * TS_PT_PER_MM, h = height_mm * TS_PT_PER_MM;
    if (format == TS_CANVAS_PNG) {
        double pw = round(width_mm / 25.4 * dpi), ph = round(height_mm / 25.4 * dpi);
        if (pw < 1 || ph < 1 || pw > MAX_PX || ph > MAX_PX) {
            ts_err_set(err, TS_E_USAGE, "%s: %.0f × %.0f pixels: size and dpi give an image outside 1..%d pixels",
                       path, pw, ph, MAX_PX);
            ts_canvas_abort(c);
            return NULL;
        }
        c->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)pw, (int)ph);
    } else if (format == TS_CANVAS_PDF) {
        c->surface = cairo_pdf_surface_create_for_stream(write_stream, c, w, h);
        char date[32];
        creation_date(date);
        cairo_pdf_surface_set_metadata(c->surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
        if (title && *title)
            cairo_pdf_surface_set_metadata(c->surface, CAIRO_PDF_METADATA_TITLE, title);
        cairo_pdf_surface_set_metadata(c->surface, CAIRO_PDF_METADATA_CREATOR, "tsunagari-plot");
    } else {
        c->surface = cairo_svg_surface_create_for_stream(write_stream, c, w, h);
        cairo_svg_surface_restrict_to_version(c->surface, CAIRO_SVG_VERSION_1_1);
        cairo_svg_surface_set_document_unit(c->surface, CAIRO_SVG_UNIT_PT);
    }
    c->cr = cairo_create(c->surface);
    if (cairo_status(c->cr) != CAIRO_STATUS_SUCCESS) {
        ts_err_set(err, TS_E_CANTCREAT, "%s: cannot start drawing: %s", path, cairo_status_to_string(cairo_status(c->cr)));
        ts_canvas_abort(c);
        return NULL;
    }
    if (format == TS_CANVAS_PNG) {
        /* White paper; points to pixels. The pixel size is rounded, so scale each axis. */
        cairo_set_source_rgb(c->cr, 1, 1, 1);
        cairo_paint(c->cr);
        cairo_scale(c->cr, cairo_image_surface_get_width(c->surface) / w, cairo_image_surface_get_height(c->surface) / h);
    }
    /* The same glyph positions in every format and on every machine: the layout's options. */
    cairo_font_options_t *fo = ts_fonts_options_new();
    cairo_set_font_options(c->cr, fo);
    cairo_font_options_destroy(fo);
    return c;
}

cairo_t *ts_canvas_cr(ts_canvas *c) { return c->cr; }

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Write the PNG in PNG with a pHYs chunk (pixels per metre) after IHDR, so the image knows
 * its print size. cairo writes signature (8 bytes) + IHDR (25 bytes) first. */
static int write_png_with_dpi(ts_canvas *c, const ts_strbuf *png)
{
    FILE *fp = ts_atomicfile_stream(c->file);
    if (png->len < 33 || memcmp(png->data + 12, "IHDR", 4) != 0)
        return fwrite(png->data, 1, png->len, fp) == png->len ? 0 : -1;
    unsigned char phys[21];
    put32(phys, 9);
    memcpy(phys + 4, "pHYs", 4);
    uint32_t ppm = (uint32_t)lround(c->dpi / 0.0254);
    put32(phys + 8, ppm);
    put32(phys + 12, ppm);
    phys[16] = 1; /* unit: metre */
    put32(phys + 17, (uint32_t)crc32(crc32(0L, Z_NULL, 0), phys + 4, 13));
    if (fwrite(png->data, 1, 33, fp) != 33 || fwrite(phys, 1, sizeof phys, fp) != sizeof phys ||
        fwrite(png->data + 33, 1, png->len - 33, fp) != png->len - 33)
        return -1;
    return 0;
}

ts_status ts_canvas_commit(ts_canvas *c, ts_err *err)
{
    ts_status st = TS_OK;
    cairo_status_t cs = cairo_status(c->cr);
    if (cs != CAIRO_STATUS_SUCCESS) {
        st = ts_err_set(err, TS_E_INTERNAL, "%s: drawing failed: %s", c->path, cairo_status_to_string(cs));
        goto done;
    }
    if (c->format == TS_CANVAS_PNG) {
        ts_strbuf png = TS_STRBUF_INIT;
        cairo_surface_flush(c->surface);
        cs = cairo_surface_write_to_png_stream(c->surface, write_buffer, &png);
        if (cs != CAIRO_STATUS_SUCCESS) {
            st = ts_err_set(err, cs == CAIRO_STATUS_NO_MEMORY ? TS_E_NOMEM : TS_E_IO, "%s: cannot encode PNG: %s",
                            c->path, cairo_status_to_string(cs));
        } else if (write_png_with_dpi(c, &png) != 0) {
            st = ts_err_set(err, TS_E_IO, "%s: write error: %s", c->path, strerror(errno ? errno : EIO));
        }
        ts_strbuf_free(&png);
        if (st != TS_OK)
            goto done;
    }
    cairo_destroy(c->cr);
    c->cr = NULL;
    cairo_surface_finish(c->surface);
    cs = cairo_surface_status(c->surface);
    if (cs != CAIRO_STATUS_SUCCESS || c->write_failed) {
        st = ts_err_set(err, TS_E_IO, "%s: write error: %s", c->path,
                        c->write_failed ? strerror(errno ? errno : EIO) : cairo_status_to_string(cs));
        goto done;
    }
    cairo_surface_destroy(c->surface);
    c->surface = NULL;
    st = ts_atomicfile_commit(c->file, err);
    c->file = NULL;
done:
    ts_canvas_abort(c);
    return st;
}

void ts_canvas_abort(ts_canvas *c)
{
    if (!c)
        return;
    if (c->cr)
        cairo_destroy(c->cr);
    if (c->surface) {
        /* Finishing a stream surface writes to the file we are about to throw away: harmless. */
        cairo_surface_destroy(c->surface);
    }
    ts_atomicfile_abort(c->file);
    free(c->path);
    free(c);
}
