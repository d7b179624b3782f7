/*
 * term.c - colour and word wrapping for the human-readable query output.
 * Widths count UTF-8 code points, not bytes, so names such as デプロメール
 * do not throw the wrapping off by much; escape codes never count.
 */
#include "term.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int term_color_parse(const char *s, term_color *out) {
  if (strcmp(s, "auto") == 0) {
    *out = TERM_COLOR_AUTO;
  } else if (strcmp(s, "always") == 0) {
    *out = TERM_COLOR_ALWAYS;
  } else if (strcmp(s, "never") == 0) {
    *out = TERM_COLOR_NEVER;
  } else {
    return 0;
  }
  return 1;
}

void term_init(term *t, FILE *out, term_color mode) {
  int tty = isatty(fileno(out));
  const char *no_color = getenv("NO_COLOR");
  t->out = out;
  t->color = mode == TERM_COLOR_ALWAYS ||
             (mode == TERM_COLOR_AUTO && tty && !(no_color && *no_color));
  int width = 0;
  struct winsize ws;
  if (tty && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    width = ws.ws_col;
  if (!width) {
    const char *cols = getenv("COLUMNS");
    if (cols) width = atoi(cols);
  }
  if (width <= 0) width = 80;
  if (width < 40) width = 40;
  if (width > 100) width = 100;
  t->width = width;
}

/* Visible width of s[0..n): UTF-8 code points. */
static int visible(const char *s, size_t n) {
  int w = 0;
  for (size_t i = 0; i < n; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80) w++;
  return w;
}

static void put_safe(FILE *out, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    fputc(c < 0x20 || c == 0x7f ? '?' : c, out);
  }
}

void term_para(term *t, int indent, int hang, const char *lead,
               const char *sgr, const char *text) {
  FILE *out = t->out;
  int col = indent;
  fprintf(out, "%*s", indent, "");
  int need_space = 0; /* a word was printed on this line */
  if (lead && *lead) {
    if (t->color && sgr) fprintf(out, "\x1b[%sm", sgr);
    put_safe(out, lead, strlen(lead));
    if (t->color && sgr) fputs("\x1b[0m", out);
    col += visible(lead, strlen(lead));
    need_space = 1;
  }
  const char *p = text ? text : "";
  while (*p) {
    while (*p == ' ') p++;
    if (!*p) break;
    const char *e = p;
    while (*e && *e != ' ') e++;
    int w = visible(p, (size_t)(e - p));
    if (need_space && col + 1 + w > t->width && col > hang) {
      fprintf(out, "\n%*s", hang, "");
      col = hang;
      need_space = 0;
    }
    if (need_space) {
      fputc(' ', out);
      col++;
    }
    put_safe(out, p, (size_t)(e - p));
    col += w;
    need_space = 1;
    p = e;
  }
  fputc('\n', out);
}
